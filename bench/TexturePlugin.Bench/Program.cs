using TexturePlugin.Bench;
using TexturePlugin.Core;
using TexturePlugin.Core.Inference;

// texplug-bench [--quick] [--no-peers] [--threads N] [--models DIR]; `texplug bench` prints the same table.
var options = new BenchOptions { Session = new SessionConfig { Provider = ExecutionProviderKind.Cpu } };
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick": options.Quick = true; break;
        case "--no-peers": options.Peers = false; break;
        case "--threads" when i + 1 < args.Length && int.TryParse(args[i + 1], out int t) && t >= 0:
            options.Session.IntraOpThreads = t; i++; break;
        case "--models" when i + 1 < args.Length: options.ModelsFolder = args[++i]; break;
        default:
            Console.Error.WriteLine($"bench: error: unknown argument '{args[i]}' (use --quick, --no-peers, --threads N, --models DIR)");
            return 2;
    }
}
try
{
    BenchReport report = BenchRunner.Run(options, line => Console.Error.WriteLine(line));
    Console.Write(report.ToText());
    foreach (string failure in report.Failures)
        Console.Error.WriteLine($"bench: error: {failure}");
    return report.Failures.Count == 0 ? 0 : 1;
}
catch (TexturePluginException e)
{
    Console.Error.WriteLine($"bench: error: {e.Message}");
    return 1;
}
