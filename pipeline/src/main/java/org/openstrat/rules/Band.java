package org.openstrat.rules;

/** An admission-risk band: a probability at or above {@code minProbability} is in the band. */
public record Band(String name, double minProbability) {}
