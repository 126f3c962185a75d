import type { Command } from 'commander';

/** Examples each command's `--help` ends with, by command path; a test runs them past the CLI. */
export const helpExamples: Readonly<Record<string, readonly string[]>> = {
  up: ['npm start', 'npx aidb up --log-format json > aidb.log'],
  serve: ['AIDB_PROFILE=external DATABASE_URL_FILE=/run/secrets/database-url npx aidb serve'],
  agent: ['npx aidb agent', 'npx aidb --config aidb.yaml agent'],
  'agent status': ['npx aidb agent status', 'npx aidb agent status --json | jq .targets'],
  'agent probe': ['npx aidb agent probe postgres', 'npx aidb agent probe service-ready'],
  'agent run-job': ['npx aidb agent run-job backup', 'npx aidb agent run-job certificates'],
  generate: [
    'npx aidb generate --out out',
    'AIDB_ALERT_PAGE_WEBHOOK_URL=https://hooks.example.com/aidb npx aidb generate --out out',
  ],
  backup: ['npx aidb backup list'],
  'backup run': ['npx aidb backup run', 'npx aidb backup run pg'],
  'backup list': ['npx aidb backup list', 'npx aidb backup list --json'],
  'backup verify': ['npx aidb backup verify <id>', 'npx aidb backup verify <id> --restore'],
  'backup restore': [
    'npx aidb backup restore <id> --target restored',
    'npx aidb backup restore <id> --target original --force',
    'AIDB_BACKUP_IDENTITY_FILE=/etc/aidb/backup.key npx aidb backup restore --to-time 2026-12-06T18:30:00Z --target /var/lib/postgresql/15/restored',
    'npx aidb backup restore --to-time latest --target /srv/restored --repository /mnt/offsite/aidb',
  ],
  'backup copy': ['npx aidb backup copy'],
  'backup wal-fetch': ['npx aidb backup wal-fetch 000000010000000000000003 pg_wal/RECOVERYXLOG'],
  'backup wal-status': ['npx aidb backup wal-status', 'npx aidb backup wal-status --json'],
  'backup wal-stream': ['AIDB_PROFILE=external AIDB_BACKUP_PITR=true npx aidb backup wal-stream'],
  'backup prune': ['npx aidb backup prune --dry-run', 'npx aidb backup prune'],
  keys: ['npx aidb keys create --name prometheus --scope read'],
  'keys create': [
    'npx aidb keys create --name prometheus --scope read',
    'npx aidb keys create --name ops --scope admin',
  ],
  health: ['npx aidb health && echo live'],
  config: ['npx aidb config check'],
  'config check': ['npx aidb config check', 'npx aidb config check --json'],
  completion: ['source <(npx aidb completion bash)', 'npx aidb completion zsh > ~/.zfunc/_aidb'],
};

/** Adds each command's examples to the end of its help, at every depth. */
export function addHelpExamples(command: Command, path: readonly string[] = []): void {
  for (const sub of command.commands) {
    const subPath = [...path, sub.name()];
    const examples = helpExamples[subPath.join(' ')];
    if (examples !== undefined)
      sub.addHelpText('after', `\nExamples:\n${examples.map((e) => `  ${e}`).join('\n')}`);
    addHelpExamples(sub, subPath);
  }
}
