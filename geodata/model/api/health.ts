import { z } from 'zod';
import { route } from './contract.ts';

/** GET /api/health: engine, versions, table sizes and database nodes, public for operators (server/routes/health.ts). */

export const DatabaseNode = z.object({
  name: z.string(),
  /** 'primary': takes writes; 'replica': a hot standby; 'down': did not answer the last check. */
  role: z.enum(['primary', 'replica', 'down']),
  configured: z.enum(['primary', 'read']),
  servesReads: z.boolean(),
  lagMs: z.number().nullable(),
  lsn: z.string().nullable(),
  error: z.string().nullable(),
});
export const HealthAnswer = z.object({
  status: z.literal('ok'),
  engine: z.enum(['embedded', 'postgres']),
  dataLocation: z.string(),
  schema: z.string(),
  postgresVersion: z.string(),
  postgisVersion: z.string(),
  rowCounts: z.record(z.string(), z.number()),
  nodes: z.array(DatabaseNode),
});

export const HEALTH_ROUTES = {
  health: route({ method: 'GET', path: '/api/health', response: HealthAnswer }),
};
