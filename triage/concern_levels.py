"""The author-concern level from which an author is *of concern*. Its own module so the console's
first paint (the queue's post view marks it) does not import the analytics package for one number."""

CONCERN_THRESHOLD = 0.5
