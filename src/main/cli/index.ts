import { main } from './main';

// `tooltune … --json | head`: a reader that stops early closes stdout. The rest of the output has nowhere to go;
// the command still finishes and exits with its own code instead of dying with an EPIPE stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

process.exitCode = await main(process.argv.slice(2));
