using TexturePlugin.Core;
using TexturePlugin.Demo;

try
{
    var options = DemoOptions.Parse(args);
    if (options.Help)
    {
        Console.WriteLine(DemoOptions.Usage);
        return 0;
    }

    if (!options.Headless && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY")))
    {
        Console.Error.WriteLine("No DISPLAY: running headless (--headless). Add --screenshot out.png to see the frame.");
        options = DemoOptions.Parse(args.Append("--headless").ToArray());
    }

    if (options.Bench)
        return Benchmark.Run(options);

    using var app = new DemoApp(options);
    app.RunAsOptioned(options);

    var failed = app.Plugins.Plugins.Where(p => p.Error is not null).ToList();
    foreach (var plugin in failed)
        Console.Error.WriteLine($"plugin {plugin.Name} disabled: {plugin.Error}");
    return failed.Count == 0 ? 0 : 3;
}
catch (TexturePluginException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}
