package dev.hoop.agent.exec;

/**
 * What an exec session runs: a program ({@link CommandSpec}) or, on a postgres connection, the
 * input as SQL over the agent's own database connection ({@link Sql}: no program, no secret in
 * any environment).
 */
public sealed interface ExecPlan permits CommandSpec, ExecPlan.Sql {
    /** The input is a SQL script for the connection's database. */
    record Sql() implements ExecPlan {
    }
}
