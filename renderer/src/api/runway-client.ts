import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from '@trpc/client';
import type { AppRouter } from '../../../server/src/http/app-router';
import { useSession } from './session-store';

export type RunwayClient = TRPCClient<AppRouter>;

/**
 * The console's one tRPC client: batched HTTP for queries and mutations, SSE for live updates
 * (CONVENTIONS §8). The token is read per request, so signing in again needs no new client.
 * `baseUrl` defaults to the page's own origin (the server that served the console).
 */
export function createRunwayClient(baseUrl = ''): RunwayClient {
  const token = (): string | null => useSession.getState().token;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: `${baseUrl}/trpc`,
          // EventSource cannot send headers: tRPC passes these as connection params instead.
          connectionParams: () => {
            const current = token();
            return current ? { token: current } : {};
          },
        }),
        false: httpBatchLink({
          url: `${baseUrl}/trpc`,
          // Batched queries travel in the URL: split long batches well below Node's 16 KiB
          // header limit, so a view that asks for many experiments at once never gets a 431.
          maxURLLength: 4_000,
          headers: () => {
            const current = token();
            return current ? { authorization: `Bearer ${current}` } : {};
          },
        }),
      }),
    ],
  });
}

let shared: RunwayClient | null = null;

/** The client every view uses. */
export function runwayClient(): RunwayClient {
  shared ??= createRunwayClient();
  return shared;
}
