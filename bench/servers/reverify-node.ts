/**
 * `reverify start`, compiled like every bench server and run on plain node with the service's own
 * flags: one node of a deployment, for the PostgreSQL cases that start several on one database.
 */
import '../../src/cli/index.js';
