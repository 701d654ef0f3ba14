return TexturePlugin.Cli.TexplugApp.Run(args);
