namespace TexturePlugin.Core.Imaging;

/// <summary>
/// What an atomic write replaces, and what of it survives: a symbolic link is written through to the file it points
/// at (the link stays a link), a read-only file is replaced only when the caller says so, and the new file gets the
/// old one's permission bits (a rename would otherwise give it the temporary file's).
/// </summary>
internal static class AtomicTarget
{
    /// <summary>
    /// The file to replace: <paramref name="fullPath"/>, or the final target of the link chain it starts (which may
    /// not exist yet).
    /// </summary>
    public static string Resolve(string fullPath, string shownPath)
    {
#if NET
        FileSystemInfo link = new FileInfo(fullPath);
        if (link.LinkTarget is null)
            return fullPath;
        try
        {
            FileSystemInfo? final = File.ResolveLinkTarget(fullPath, returnFinalTarget: true);
            return final is null ? fullPath : Path.GetFullPath(final.FullName);
        }
        catch (IOException e)
        {
            throw new ImageFileException(shownPath, $"is a symbolic link that cannot be followed ({e.Message}); nothing was written", e);
        }
#else
        return fullPath;
#endif
    }

    /// <summary>Refuses to replace a read-only file unless <paramref name="replaceReadOnly"/>.</summary>
    public static void CheckWritable(string target, string shownPath, bool replaceReadOnly)
    {
        if (replaceReadOnly || !File.Exists(target))
            return;
        if ((File.GetAttributes(target) & FileAttributes.ReadOnly) != 0)
            throw new ImageFileException(shownPath, $"{(target == Path.GetFullPath(shownPath) ? "" : $"(a link to {target}) ")}is read-only; "
                + "it was left as it is (replace it on purpose: --force, or replaceReadOnly in the API)");
    }

    /// <summary>Gives <paramref name="temp"/> the permission bits of <paramref name="target"/>, when the target exists.</summary>
    public static void CopyMode(string target, string temp)
    {
#if NET
        if (OperatingSystem.IsWindows() || !File.Exists(target))
            return;
        File.SetUnixFileMode(temp, File.GetUnixFileMode(target));
#endif
    }
}
