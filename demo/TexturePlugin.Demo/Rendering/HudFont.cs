namespace TexturePlugin.Demo.Rendering;

/// <summary>
/// A 3x5 pixel font for the HUD: each glyph is 15 bits, row by row from the top-left (bit 14).
/// Lower-case letters draw as upper-case; unknown characters draw as '?'.
/// </summary>
internal static class HudFont
{
    private static readonly int[] Glyphs = Build();

    public static int Bits(char c)
    {
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 32);
        return c < Glyphs.Length && Glyphs[c] >= 0 ? Glyphs[c] : Glyphs['?'];
    }

    private static int[] Build()
    {
        var glyphs = new int[128];
        Array.Fill(glyphs, -1);
        void Add(char c, string rows)
        {
            // rows: 5 groups of 3 characters, '#' lit.
            int bits = 0;
            foreach (char p in rows.Replace(" ", string.Empty))
                bits = (bits << 1) | (p == '#' ? 1 : 0);
            glyphs[c] = bits;
        }

        Add(' ', "... ... ... ... ...");
        Add('0', "### #.# #.# #.# ###");
        Add('1', ".#. ##. .#. .#. ###");
        Add('2', "##. ..# .#. #.. ###");
        Add('3', "##. ..# .#. ..# ##.");
        Add('4', "#.# #.# ### ..# ..#");
        Add('5', "### #.. ##. ..# ##.");
        Add('6', ".## #.. ### #.# ###");
        Add('7', "### ..# .#. .#. .#.");
        Add('8', "### #.# ### #.# ###");
        Add('9', "### #.# ### ..# ##.");
        Add('A', ".#. #.# ### #.# #.#");
        Add('B', "##. #.# ##. #.# ##.");
        Add('C', ".## #.. #.. #.. .##");
        Add('D', "##. #.# #.# #.# ##.");
        Add('E', "### #.. ##. #.. ###");
        Add('F', "### #.. ##. #.. #..");
        Add('G', ".## #.. #.# #.# .##");
        Add('H', "#.# #.# ### #.# #.#");
        Add('I', "### .#. .#. .#. ###");
        Add('J', "..# ..# ..# #.# .#.");
        Add('K', "#.# #.# ##. #.# #.#");
        Add('L', "#.. #.. #.. #.. ###");
        Add('M', "#.# ### ### #.# #.#");
        Add('N', "##. #.# #.# #.# #.#");
        Add('O', ".#. #.# #.# #.# .#.");
        Add('P', "##. #.# ##. #.. #..");
        Add('Q', ".#. #.# #.# ##. .##");
        Add('R', "##. #.# ##. #.# #.#");
        Add('S', ".## #.. .#. ..# ##.");
        Add('T', "### .#. .#. .#. .#.");
        Add('U', "#.# #.# #.# #.# ###");
        Add('V', "#.# #.# #.# #.# .#.");
        Add('W', "#.# #.# ### ### #.#");
        Add('X', "#.# #.# .#. #.# #.#");
        Add('Y', "#.# #.# .#. .#. .#.");
        Add('Z', "### ..# .#. #.. ###");
        Add('.', "... ... ... ... .#.");
        Add(',', "... ... ... .#. #..");
        Add(':', "... .#. ... .#. ...");
        Add('-', "... ... ### ... ...");
        Add('+', "... .#. ### .#. ...");
        Add('=', "... ### ... ### ...");
        Add('_', "... ... ... ... ###");
        Add('/', "..# ..# .#. #.. #..");
        Add('%', "#.# ..# .#. #.. #.#");
        Add('(', ".#. #.. #.. #.. .#.");
        Add(')', ".#. ..# ..# ..# .#.");
        Add('[', "##. #.. #.. #.. ##.");
        Add(']', ".## ..# ..# ..# .##");
        Add('?', "##. ..# .#. ... .#.");
        Add('!', ".#. .#. .#. ... .#.");
        Add('\'', ".#. .#. ... ... ...");
        Add('"', "#.# #.# ... ... ...");
        Add('<', "..# .#. #.. .#. ..#");
        Add('>', "#.. .#. ..# .#. #..");
        Add('#', "#.# ### #.# ### #.#");
        Add('*', "#.# .#. #.# ... ...");
        return glyphs;
    }
}
