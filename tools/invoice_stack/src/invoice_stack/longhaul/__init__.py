"""`make longhaul`: a steady load for an hour (LONGHAUL_MINUTES) with restarts along the way,
every result checked, and every process's memory sampled each minute."""
