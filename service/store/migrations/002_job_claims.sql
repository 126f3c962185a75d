-- One row per run of a shared agent job (gc, backups): the agent that inserts it runs the job,
-- the others skip that run. Several agents, one per replica, then act once per schedule.
CREATE TABLE aidb_job_claims (
  job text NOT NULL,
  slot timestamptz NOT NULL,
  agent text NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job, slot)
);
