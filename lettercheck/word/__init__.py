"""Reading Word: opening packages safely, the WordprocessingML layer, and the reader."""
