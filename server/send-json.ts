import type { Response } from 'express';
import type { AnswerInput, ApiRoute } from '../geodata/model/api/index.ts';

/**
 * Sends a route's JSON answer, typed by the API contract (geodata/model/api/): the compiler
 * checks what a handler sends against the schema the web client parses. With YZT_CHECK_ANSWERS
 * (every test server) the answer is also parsed by the schema before it leaves, and one that
 * does not match becomes a 500 naming the route and the field, so a drifting answer fails the
 * test that produced it rather than a screen in production.
 */
export function sendJson<R extends ApiRoute>(res: Response, route: R, body: AnswerInput<R>): void {
  if (route.response && res.app.locals.checkAnswers === true) {
    // What goes on the wire: dates become ISO strings, undefined members vanish.
    const parsed = route.response.safeParse(JSON.parse(JSON.stringify(body)));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const message = `${route.method} ${route.path}: the answer breaks the API contract at ${issue.path.join('.') || '(root)'}: ${issue.message}`;
      // On stderr too: the test that met it may only look at the status.
      console.error(message);
      throw new ContractError(message);
    }
  }
  res.json(body);
}

/** An answer that does not match its schema: the server's bug, answered as 500. */
export class ContractError extends Error {
  override name = 'ContractError';
}
