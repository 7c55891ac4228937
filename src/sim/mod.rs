//! Simulation: compiled plan, trials, parallel driver.
