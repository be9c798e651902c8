/** Vigil's Flink jobs, operators and sinks. */
package io.vigil.jobs;
