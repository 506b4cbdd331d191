"""Pure rules: plain functions over plain values, importing neither Flask nor the
database (scoring, the path engine, matrix cells, CSV parsing), so each is
tested on constructed data without an app."""
