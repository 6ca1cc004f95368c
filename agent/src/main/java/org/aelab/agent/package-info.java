/**
 * The engine agent ({@link org.aelab.agent.EngineAgent}): load-time fixes of DJL 0.36's PyTorch engine, so that
 * code a reader writes gets correct gradients and re-running a notebook cell gives its native memory back.
 * Nothing here is called by notebooks directly; the kernel loads the agent with {@code -javaagent} and the
 * helper jar's entry points install it into any other JVM. docs/djl-scalar-gradients.md has the report.
 */
package org.aelab.agent;
