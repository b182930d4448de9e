// The `cashbook` command line: every subcommand, each in its own file. A file imports only
// commander and the option helpers at the top; what a command runs is imported when it runs,
// so `cashbook --help` and mistakes cost almost nothing.
import { Command, CommanderError } from 'commander';
import { CliError, exitWith } from './errors.ts';
import { register as serve } from './serve.ts';
import { register as migrate } from './migrate.ts';
import { register as accounts } from './accounts.ts';
import { register as keys } from './keys.ts';
import { register as verify } from './verify.ts';
import { register as backup } from './backup.ts';
import { register as listen } from './listen.ts';
import { register as money } from './money.ts';
import { register as ranges } from './ranges.ts';

export function buildProgram(): Command {
  const program = new Command('cashbook')
    .description('A self-hosted, Stripe-compatible customer balance server.')
    .version(process.env.npm_package_version ?? '0.1.0', '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      // Commander's own errors (unknown option, missing argument, bad value): one line.
      outputError: (text, write) => write(`cashbook: ${text.trim().replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')}\n`),
    });
  for (const register of [serve, migrate, accounts, keys, verify, backup, listen, money, ranges]) register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  process.on('uncaughtException', exitWith);
  process.on('unhandledRejection', exitWith);
  try {
    const program = buildProgram();
    // `serve` is the default command, so commander would call an unknown word an extra argument of it.
    const first = argv[2];
    const names = program.commands.flatMap((command) => [command.name(), ...command.aliases()]);
    if (first !== undefined && !first.startsWith('-') && !names.includes(first) && first !== 'help') {
      throw new CliError(`unknown command '${first}': use one of ${names.join(', ')} (see \`cashbook --help\`)`);
    }
    if (first === 'help' && argv[3] !== undefined && !argv[3].startsWith('-') && !names.includes(argv[3])) {
      throw new CliError(`no help for '${argv[3]}': it is not a command (use one of ${names.join(', ')})`);
    }
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2); // already printed
    exitWith(error);
  }
}
