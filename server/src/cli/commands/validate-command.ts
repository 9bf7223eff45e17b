import type { Command } from 'commander';
import type { ErrorIssue } from '../../../../shared/src/errors';
import {
  checkGraph,
  type GraphCandidate,
  type GraphNode,
} from '../../../../shared/src/spec/spec-graph';
import { validateSpec } from '../../../../shared/src/spec/spec-validation';
import type { CommandContext } from '../cli-context';
import { run, withJson, type CliRuntime } from '../cli-runtime';
import { clientConfig, findToken, makeApi, networkProblem, toCliError } from '../client';
import { plural } from '../output';
import { documentPrefix, readSpecFile, specKey, splitBatchPath } from '../spec-files';

interface Problem {
  file: string;
  path: string;
  message: string;
}

interface Document {
  file: string;
  /** Path prefix inside its file: `[1].` when the file holds several documents. */
  prefix: string;
  raw: unknown;
  key: string | null;
  valid: boolean;
}

interface ServerCheck {
  checked: boolean;
  url: string;
  /** Why the check was offline only. */
  reason: string | null;
  lookup: (key: string) => GraphNode | undefined;
  issues: Problem[];
  /** The server's SLI catalogue, when it could be read. */
  isKnownSli: ((service: string, sli: string) => boolean) | null;
}

const MAX_SERVER_BATCH = 500;
const UNKNOWN_REFERENCE = /^unknown experiment "(.+)"$/;

export function registerValidateCommand(program: Command, runtime: CliRuntime): void {
  withJson(
    program
      .command('validate')
      .description("check spec files offline and against the server's graph (no changes made)")
      .argument(
        '<file...>',
        'spec files: YAML (several documents separated by ---) or JSON (an object or an array)',
      )
      .addHelpText(
        'after',
        `
Every spec is checked on its own (schema, stages, guardrails, time window), then all of them
together for unknown references and cycles through requires/after. When the server is reachable
with a token, references to experiments already on the server resolve, SLI names are checked
against its catalogue, and keys already used there are reported (keys are never reused).
Otherwise the check is offline only, and says so.

Each problem is printed as FILE: path: message. Exit 1 if there is any problem.`,
      ),
  ).action(run(runtime, (ctx, files: string[]) => validate(ctx, runtime, files)));
}

async function validate(
  ctx: CommandContext,
  runtime: CliRuntime,
  files: string[],
): Promise<number> {
  const problems: Problem[] = [];
  const documents: Document[] = [];
  for (const loaded of files.map(readSpecFile)) {
    problems.push(...loaded.issues.map((issue) => ({ file: loaded.file, ...issue })));
    loaded.documents.forEach((raw, index) => {
      const prefix = documentPrefix(index, loaded.documents.length);
      const validation = validateSpec(raw);
      if (!validation.ok)
        problems.push(
          ...validation.issues.map((issue) => ({
            file: loaded.file,
            path: `${prefix}${issue.path}`,
            message: issue.message,
          })),
        );
      documents.push({ file: loaded.file, prefix, raw, key: specKey(raw), valid: validation.ok });
    });
  }
  problems.push(...duplicateKeys(documents));

  const valid = documents.filter((document) => document.valid);
  const server = await checkWithServer(runtime, valid);
  const definedHere = new Set(
    documents.map((document) => document.key).filter((key): key is string => key !== null),
  );
  problems.push(
    ...server.issues.filter((issue) => {
      const unknown = UNKNOWN_REFERENCE.exec(issue.message);
      return !(unknown && definedHere.has(unknown[1]!));
    }),
  );
  problems.push(...graphProblems(documents, server.lookup));
  // Specs the server did not see (they failed offline) still get their SLI names checked, so
  // every problem is reported at once.
  const isKnownSli = server.isKnownSli;
  if (isKnownSli) {
    for (const document of documents.filter((entry) => !entry.valid)) {
      const validation = validateSpec(document.raw, { isKnownSli });
      if (validation.ok) continue;
      for (const issue of validation.issues.filter((entry) =>
        entry.message.startsWith('unknown SLI'),
      )) {
        problems.push({
          file: document.file,
          path: `${document.prefix}${issue.path}`,
          message: issue.message,
        });
      }
    }
  }
  const fileOrder = new Map(files.map((file, index) => [file, index]));
  const unique = dedupe(problems).sort(
    (a, b) => (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0),
  );

  const byFile = files.map((file) => ({
    file,
    specs: documents.filter((document) => document.file === file).map((document) => document.key),
  }));
  ctx.printJson({
    ok: unique.length === 0,
    server: { checked: server.checked, url: server.url, reason: server.reason },
    files: byFile,
    problems: unique,
  });
  ctx.print(
    ...unique.map(
      (problem) => `${problem.file}: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`,
    ),
  );
  const scope = `${plural(documents.length, 'spec')} in ${plural(files.length, 'file')}`;
  ctx.print(
    unique.length === 0
      ? `ok: ${scope}, no problems`
      : `${plural(unique.length, 'problem')} in ${scope}`,
  );
  ctx.print(
    server.checked
      ? `checked against the server at ${server.url}`
      : `checked offline only: ${server.reason}. References to experiments already on the server could not be resolved, and SLI names were not checked.`,
  );
  return unique.length === 0 ? 0 : 1;
}

function duplicateKeys(documents: readonly Document[]): Problem[] {
  const first = new Map<string, Document>();
  const problems: Problem[] = [];
  for (const document of documents) {
    if (!document.key) continue;
    const earlier = first.get(document.key);
    if (earlier) {
      const where = earlier.file === document.file ? 'earlier in this file' : `in ${earlier.file}`;
      problems.push({
        file: document.file,
        path: `${document.prefix}key`,
        message: `"${document.key}" is also defined ${where}`,
      });
    } else first.set(document.key, document);
  }
  return problems;
}

/** Unknown references and cycles across every given file (and the server's graph when known). */
function graphProblems(
  documents: readonly Document[],
  lookupExisting: ServerCheck['lookup'],
): Problem[] {
  // Specs with other problems still take part when their key and reference lists are well-formed.
  const nodes = documents.map(graphNodeOf);
  const candidates: GraphCandidate[] = [];
  nodes.forEach((node, index) => {
    if (node) candidates.push({ node, pathPrefix: `${index}\u0000` });
  });
  return checkGraph(candidates, lookupExisting).map((issue) => {
    const [index, path] = issue.path.split('\u0000') as [string, string];
    const document = documents[Number(index)]!;
    return { file: document.file, path: `${document.prefix}${path}`, message: issue.message };
  });
}

function graphNodeOf(document: Document): GraphNode | null {
  if (!document.key) return null;
  const raw = document.raw as Record<string, unknown>;
  const list = (name: 'requires' | 'excludes' | 'after'): string[] | null => {
    const value = raw[name] ?? [];
    return Array.isArray(value) && value.every((entry) => typeof entry === 'string') ? value : null;
  };
  const requires = list('requires');
  const excludes = list('excludes');
  const after = list('after');
  return requires && excludes && after ? { key: document.key, requires, excludes, after } : null;
}

/** Asks the server (when reachable with a token) to check the valid specs against its state. */
async function checkWithServer(
  runtime: CliRuntime,
  valid: readonly Document[],
): Promise<ServerCheck> {
  const config = clientConfig(runtime.io.env);
  const offline = (reason: string): ServerCheck => ({
    checked: false,
    url: config.url,
    reason,
    lookup: () => undefined,
    issues: [],
    isKnownSli: null,
  });
  const token = findToken(config);
  if (!token)
    return offline(
      `no API token (set RUNWAY_TOKEN, or RUNWAY_DB so the local admin.token is found)`,
    );
  const api = makeApi(config.url, token.token);
  try {
    const [existing, policy] = await Promise.all([
      api.experiments.list.query({}),
      api.policy.get.query(),
    ]);
    const nodes = new Map(existing.map((experiment) => [experiment.key, experiment]));
    const isKnownSli = (service: string, sli: string): boolean =>
      policy.slis.some(
        (entry) => entry.name === sli && (entry.service === '*' || entry.service === service),
      );
    const issues: Problem[] = [];
    if (valid.length > MAX_SERVER_BATCH) {
      return {
        ...offline(
          `more than ${MAX_SERVER_BATCH} specs; the server checks at most ${MAX_SERVER_BATCH} at once`,
        ),
        lookup: (key) => nodes.get(key),
        isKnownSli,
      };
    }
    if (valid.length > 0) {
      const result = await api.experiments.validate.query({
        specs: valid.map((document) => document.raw),
      });
      issues.push(...result.issues.map((issue: ErrorIssue) => toProblem(issue, valid)));
    }
    return {
      checked: true,
      url: config.url,
      reason: null,
      lookup: (key) => nodes.get(key),
      issues,
      isKnownSli,
    };
  } catch (error) {
    const network = networkProblem(error);
    if (network) return offline(`cannot reach the server at ${config.url} (${network})`);
    return offline(
      `the server at ${config.url} refused: ${toCliError(error, { url: config.url, token }).message}`,
    );
  }
}

function toProblem(issue: ErrorIssue, batch: readonly Document[]): Problem {
  const { index, path } = splitBatchPath(issue.path, batch.length);
  const document = batch[index];
  if (!document) return { file: batch[0]?.file ?? '', path: issue.path, message: issue.message };
  return { file: document.file, path: `${document.prefix}${path}`, message: issue.message };
}

function dedupe(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const id = `${problem.file}\u0000${problem.path}\u0000${problem.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
