"""The application: command line, the run over many letters, pipeline, files, audit, evaluation."""
