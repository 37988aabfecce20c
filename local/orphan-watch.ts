/**
 * Notices when the local runtime has been orphaned: the process that started it has gone without
 * signalling it (`kill <npm's pid>` ends npm and its shell, and nothing tells their child). Left alone it
 * would run on under init, holding its port, its data folder and its DynamoDB Local; told, it stops as
 * on Ctrl+C.
 *
 * The sign is a change of parent (a process whose parent ends is handed to init, or to a subreaper).
 * tsx's CLI (`tsx bin/attend.ts`, and the `attend` bin's `npx tsx`) runs the script in a child Node
 * process and stays between it and whoever started it, outliving them: when the parent is tsx's CLI,
 * the CLI's own parent is watched too (Linux; `npm start` runs `node --import tsx`, with no CLI between).
 */
import { commandLineOf, parentOf } from './process-info.ts';

/** Whether a command line is tsx's CLI: `node …/.bin/tsx …` or `node …/tsx/dist/cli.mjs …`. */
export function isTsxCli(commandLine: string): boolean {
  const [first, second] = commandLine.split(' ');
  return [first, second].some((arg) => arg !== undefined && /(^|\/)(tsx|tsx\/dist\/cli\.mjs)$/.test(arg));
}

/**
 * Calls `onOrphaned` once (and stops looking) when this process's parent, or the parent of a tsx CLI
 * it runs under, has gone. Looks every `everyMs` on an unref'd timer (it keeps nothing alive). Returns
 * a function that stops the watch.
 */
export function watchForOrphaning(onOrphaned: (why: string) => void, everyMs = 1000): () => void {
  const parent = process.ppid;
  const grandparent = isTsxCli(commandLineOf(parent)) ? parentOf(parent) : undefined;
  const timer = setInterval(() => {
    let why: string | undefined;
    if (process.ppid !== parent) why = `the process that started it (pid ${parent}) has ended`;
    else if (grandparent !== undefined && parentOf(parent) !== grandparent)
      why = `the process that started it (pid ${grandparent}) has ended`;
    if (why === undefined) return;
    clearInterval(timer);
    onOrphaned(why);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
