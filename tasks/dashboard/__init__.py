"""The supervisor's board: per plan and per unit figures."""
