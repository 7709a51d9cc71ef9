"""The published catalogue of procedures (Decree 63/2010 Art. 8), agencies and fields."""
