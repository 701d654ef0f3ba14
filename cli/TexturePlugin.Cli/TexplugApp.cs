using System.CommandLine;
using Spectre.Console;
using TexturePlugin.Cli.Commands;
using TexturePlugin.Core;
using TexturePlugin.Core.Imaging;

namespace TexturePlugin.Cli;

/// <summary>
/// The <c>texplug</c> command line. <see cref="Run"/> is the whole program (tests call it in-process): exit code 0 on
/// success; on error one line <c>texplug: error: ...</c> on the error stream, exit code 1 (2 for command-line syntax),
/// and no output file written.
/// </summary>
public static class TexplugApp
{
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        IAnsiConsole console = output == Console.Out
            ? AnsiConsole.Console
            : AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(output),
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
            });
        if (output != Console.Out || Console.IsOutputRedirected)
            console.Profile.Width = Math.Max(console.Profile.Width, 160);   // tables in files and pipes need not wrap at 80
        RootCommand root = Build(console);

        try
        {
            ParseResult parsed = root.Parse(args);
            bool help = args.Any(a => a is "-h" or "--help" or "-?" or "--version");
            if (parsed.Errors.Count > 0 && !help)
            {
                error.WriteLine($"texplug: error: {SyntaxProblem(root, args, parsed)} (texplug --help for usage)");
                return 2;
            }
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            // Whatever reaches this far (ours, the runtime's, a library's) is one line and exit code 1, never a trace.
            error.WriteLine($"texplug: error: {OneLine(Describe(e))}");
            return 1;
        }
    }

    /// <summary>Every command with its options (tests walk it).</summary>
    internal static RootCommand Build(IAnsiConsole console)
    {
        var global = new GlobalOptions();
        var root = new RootCommand("texplug: texture synthesis and repair with small neural networks");
        global.AddTo(root);
        root.Subcommands.Add(ModelsCommand.Create(global, console));
        root.Subcommands.Add(SynthCommand.Create(global, console));
        root.Subcommands.Add(RepairCommand.Create(global, console));
        root.Subcommands.Add(RepairCommand.CreateTile(global, console));
        root.Subcommands.Add(TrainCommand.Create(global, console));
        root.Subcommands.Add(BenchCommand.Create(global, console));
        return root;
    }

    /// <summary>The parser's first complaint, or the unknown command with the list of commands.</summary>
    private static string SyntaxProblem(RootCommand root, string[] args, ParseResult parsed)
    {
        string commands = string.Join(", ", root.Subcommands.Select(c => c.Name));
        string? first = args.FirstOrDefault();
        if (first is null)
            return $"no command given; the commands are {commands}.";
        if (!first.StartsWith("-", StringComparison.Ordinal) && root.Subcommands.All(c => c.Name != first))
            return $"unknown command '{first}'; the commands are {commands}.";
        return OneLine(parsed.Errors[0].Message);
    }

    private static string Describe(Exception e) => e switch
    {
        ImageLimitException limit => $"{limit.Message}; raise the limit with --max-side and --max-megapixels",
        TexturePluginException or IOException or UnauthorizedAccessException => e.Message,
        OutOfMemoryException => "out of memory; lower the size, --count or --threads, or the limits (--max-side, --max-megapixels)",
        _ => $"{e.Message} ({e.GetType().Name})",
    };

    private static string OneLine(string message) =>
        string.Join(" ", message.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()));
}
