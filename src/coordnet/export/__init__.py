"""Publishing findings outside coordnet: graph files, takedown summaries, disclosure data sets and
shared indicators. Each format lives in its own module; import from there."""
