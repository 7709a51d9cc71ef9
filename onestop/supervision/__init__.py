"""On-time rates, what is about to be late, and the periodic reports."""
