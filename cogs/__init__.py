"""CoGS: sum potentials, generators, solver, analysis and the command-line tool."""
