"""The rung scripts, one folder per ladder. Each file is meant to be read, copied and edited by a learner."""
