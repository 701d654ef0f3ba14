using System.CommandLine;
using Spectre.Console;
using TexturePlugin.Cli.Commands;
using TexturePlugin.Core;

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
        var global = new GlobalOptions();
        var root = new RootCommand("texplug: texture synthesis and repair with small neural networks");
        global.AddTo(root);
        root.Subcommands.Add(ModelsCommand.Create(global, console));
        root.Subcommands.Add(SynthCommand.Create(global, console));
        root.Subcommands.Add(RepairCommand.Create(global, console));
        root.Subcommands.Add(RepairCommand.CreateTile(global, console));
        root.Subcommands.Add(TrainCommand.Create(global, console));
        root.Subcommands.Add(BenchCommand.Create(global, console));

        ParseResult parsed = root.Parse(args);
        bool help = args.Any(a => a is "-h" or "--help" or "-?" or "--version");
        if (parsed.Errors.Count > 0 && !help)
        {
            error.WriteLine($"texplug: error: {OneLine(parsed.Errors[0].Message)} (texplug --help for usage)");
            return 2;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is TexturePluginException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"texplug: error: {OneLine(e.Message)}");
            return 1;
        }
    }

    private static string OneLine(string message) =>
        string.Join(" ", message.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()));
}
