// `dotnet run --project cli -- ARGS` lands here; texplug itself is TexturePlugin.Cli.
return TexturePlugin.Cli.TexplugApp.Run(args);
