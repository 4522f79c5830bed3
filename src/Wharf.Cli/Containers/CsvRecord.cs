using System.Text;

namespace Wharf.Cli.Containers;

/// <summary>One record of Go's encoding/csv reader: comma-separated fields, double-quoted fields with "" escapes.</summary>
public static class CsvRecord
{
    /// <exception cref="FormatException">A quote is misplaced (Go's parse error text).</exception>
    public static List<string> Parse(string line)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        int i = 0;
        while (true)
        {
            sb.Clear();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                        throw new FormatException($"parse error on line 1, column {line.Length + 1}: extraneous or missing \" in quoted-field");
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            sb.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        if (i < line.Length && line[i] != ',')
                            throw new FormatException($"parse error on line 1, column {i + 1}: extraneous or missing \" in quoted-field");
                        break;
                    }
                    sb.Append(line[i++]);
                }
            }
            else
            {
                while (i < line.Length && line[i] != ',')
                {
                    if (line[i] == '"') throw new FormatException($"parse error on line 1, column {i + 1}: bare \" in non-quoted-field");
                    sb.Append(line[i++]);
                }
            }
            fields.Add(sb.ToString());
            if (i >= line.Length) return fields;
            i++; // the comma
        }
    }
}
