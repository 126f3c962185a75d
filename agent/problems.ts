/** Errors the agent's endpoint answers, with the service's problem+json conventions. */
export const agentProblems = {
  unauthorized: { status: 401, title: 'An API key is required' },
  invalid_api_key: { status: 401, title: 'Invalid API key' },
  forbidden: { status: 403, title: 'The API key lacks the required scope' },
  route_not_found: { status: 404, title: 'No such route' },
  unknown_job: { status: 404, title: 'No such job in this agent' },
  method_not_allowed: { status: 405, title: 'Method not allowed on this route' },
  unsupported_media_type: { status: 415, title: 'The request must be application/json' },
  internal_error: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type AgentProblemCode = keyof typeof agentProblems;

/** A refusal the endpoint turns into problem+json. */
export class AgentProblem extends Error {
  readonly code: AgentProblemCode;
  readonly headers: Readonly<Record<string, string>>;
  constructor(code: AgentProblemCode, detail: string, headers: Record<string, string> = {}) {
    super(detail);
    this.name = 'AgentProblem';
    this.code = code;
    this.headers = headers;
  }
}
