import type { Request } from 'express';

/**
 * Who acts, until accounts exist: the X-Yzt-User header (percent-encoded, since header values
 * are Latin-1 on the wire and names are Chinese) or an `actor` field of a JSON body.
 */
export function actorOf(req: Request): string | undefined {
  const header = req.get('x-yzt-user');
  const fromHeader = header ? safeDecode(header).trim() : '';
  const fromBody = typeof req.body?.actor === 'string' ? req.body.actor.trim() : '';
  return (fromHeader || fromBody || undefined)?.slice(0, 100);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
