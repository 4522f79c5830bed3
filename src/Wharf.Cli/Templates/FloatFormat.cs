using System.Globalization;
using System.Numerics;
using System.Text;

namespace Wharf.Cli.Templates;

/// <summary>
/// Go's strconv float formatting ('e', 'f', 'g', shortest and fixed precision). Rounding works on the exact
/// binary value with ties to even, as Go does, which .NET's own "F2" (ties away from zero) would not match.
/// </summary>
internal static class FloatFormat
{
    /// <summary>Decimal digits with the point at Dp: value = 0.Digits x 10^Dp. Digits has no trailing zeros.</summary>
    private readonly record struct Decimal(string Digits, int Dp);

    /// <summary>strconv.FormatFloat(v, fmt, prec, 64) for fmt in e, E, f, g, G; prec -1 means shortest.</summary>
    public static string Format(double v, char fmt, int prec)
    {
        if (double.IsNaN(v))
        {
            return "NaN";
        }

        if (double.IsInfinity(v))
        {
            return v > 0 ? "+Inf" : "-Inf";
        }

        var neg = v < 0 || (v == 0 && double.IsNegative(v));
        var abs = Math.Abs(v);
        var shortest = prec < 0;
        Decimal d;
        if (shortest)
        {
            d = Shortest(abs);
            prec = char.ToLowerInvariant(fmt) switch
            {
                'e' => Math.Max(d.Digits.Length - 1, 0),
                'f' => Math.Max(d.Digits.Length - d.Dp, 0),
                _ => d.Digits.Length,
            };
        }
        else
        {
            var exact = Exact(abs);
            d = char.ToLowerInvariant(fmt) switch
            {
                'e' => Round(exact, prec + 1),
                'f' => Round(exact, exact.Dp + prec),
                _ => Round(exact, prec == 0 ? 1 : prec),
            };
        }

        var sb = new StringBuilder();
        if (neg)
        {
            sb.Append('-');
        }

        switch (fmt)
        {
            case 'e' or 'E':
                AppendE(sb, d, prec, fmt);
                break;
            case 'f' or 'F':
                AppendF(sb, d, prec);
                break;
            default:
                if (prec == 0)
                {
                    prec = 1;
                }

                var nd = d.Digits == "0" ? 0 : d.Digits.Length;
                var eprec = prec;
                if (eprec > nd && nd >= d.Dp)
                {
                    eprec = nd;
                }

                if (shortest)
                {
                    eprec = 6;
                }

                var exp = d.Dp - 1;
                if (d.Digits == "0")
                {
                    exp = 0;
                }

                if (exp < -4 || exp >= eprec)
                {
                    AppendE(sb, d, Math.Min(prec, Math.Max(nd, 1)) - 1, fmt == 'G' ? 'E' : 'e');
                }
                else
                {
                    if (prec > d.Dp)
                    {
                        prec = nd;
                    }

                    AppendF(sb, d, Math.Max(prec - d.Dp, 0));
                }

                break;
        }

        return sb.ToString();
    }

    /// <summary>Go's encoding/json float rendering: 'f' in the usual range, 'e' for tiny or huge magnitudes.</summary>
    public static string FormatJson(double v)
    {
        var abs = Math.Abs(v);
        var fmt = abs != 0 && (abs < 1e-6 || abs >= 1e21) ? 'e' : 'f';
        var s = Format(v, fmt, -1);
        if (fmt == 'e')
        {
            // e-07 becomes e-7, as Go does to keep JSON compact.
            var n = s.Length;
            if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0')
            {
                s = s[..(n - 2)] + s[n - 1];
            }
        }

        return s;
    }

    private static void AppendE(StringBuilder sb, Decimal d, int prec, char e)
    {
        var digits = d.Digits;
        sb.Append(digits[0]);
        if (prec > 0)
        {
            sb.Append('.');
            for (var i = 1; i <= prec; i++)
            {
                sb.Append(i < digits.Length ? digits[i] : '0');
            }
        }

        var exp = digits == "0" ? 0 : d.Dp - 1;
        sb.Append(e);
        sb.Append(exp < 0 ? '-' : '+');
        exp = Math.Abs(exp);
        sb.Append(exp < 10 ? "0" + exp.ToString(CultureInfo.InvariantCulture) : exp.ToString(CultureInfo.InvariantCulture));
    }

    private static void AppendF(StringBuilder sb, Decimal d, int prec)
    {
        var digits = d.Digits == "0" ? string.Empty : d.Digits;
        if (d.Dp > 0)
        {
            for (var i = 0; i < d.Dp; i++)
            {
                sb.Append(i < digits.Length ? digits[i] : '0');
            }
        }
        else
        {
            sb.Append('0');
        }

        if (prec > 0)
        {
            sb.Append('.');
            for (var i = 0; i < prec; i++)
            {
                var j = d.Dp + i;
                sb.Append(j >= 0 && j < digits.Length ? digits[j] : '0');
            }
        }
    }

    /// <summary>Shortest digits that round-trip, taken from .NET's "R" formatting.</summary>
    private static Decimal Shortest(double abs)
    {
        if (abs == 0)
        {
            return new Decimal("0", 1);
        }

        var r = abs.ToString("R", CultureInfo.InvariantCulture);
        var exp = 0;
        var e = r.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            exp = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }

        var point = r.IndexOf('.', StringComparison.Ordinal);
        var intLen = point < 0 ? r.Length : point;
        var digits = r.Replace(".", string.Empty, StringComparison.Ordinal);
        return Trim(digits, intLen + exp);
    }

    /// <summary>The exact decimal expansion of a finite non-negative double.</summary>
    private static Decimal Exact(double abs)
    {
        if (abs == 0)
        {
            return new Decimal("0", 1);
        }

        var bits = BitConverter.DoubleToInt64Bits(abs);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0)
        {
            exponent = 1;
        }
        else
        {
            mantissa |= 1L << 52;
        }

        exponent -= 1075;
        if (exponent >= 0)
        {
            var n = new BigInteger(mantissa) << exponent;
            var s = n.ToString(CultureInfo.InvariantCulture);
            return Trim(s, s.Length);
        }

        // m / 2^k == m * 5^k / 10^k, so the digits of m * 5^k sit k places right of the point.
        var k = -exponent;
        var scaled = (new BigInteger(mantissa) * BigInteger.Pow(5, k)).ToString(CultureInfo.InvariantCulture);
        return Trim(scaled, scaled.Length - k);
    }

    private static Decimal Trim(string digits, int dp)
    {
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }

        digits = digits[lead..].TrimEnd('0');
        dp -= lead;
        return digits.Length == 0 ? new Decimal("0", 1) : new Decimal(digits, dp);
    }

    /// <summary>Rounds to nd significant digits, ties to even on the exact value (strconv's decimal.Round).</summary>
    private static Decimal Round(Decimal d, int nd)
    {
        var digits = d.Digits;
        if (digits == "0" || nd >= digits.Length)
        {
            return d;
        }

        if (nd < 0)
        {
            return new Decimal("0", 1);
        }

        bool up;
        if (digits[nd] == '5' && nd + 1 == digits.Length)
        {
            up = nd > 0 && (digits[nd - 1] - '0') % 2 == 1;
        }
        else
        {
            up = digits[nd] >= '5';
        }

        if (!up)
        {
            return Trim(digits[..nd].Length == 0 ? "0" : digits[..nd], nd == 0 ? 1 : d.Dp);
        }

        var chars = digits[..nd].ToCharArray();
        var i = nd - 1;
        while (i >= 0 && chars[i] == '9')
        {
            i--;
        }

        if (i < 0)
        {
            // All nines (or nothing kept): the value becomes 1 at the next power of ten.
            return new Decimal("1", d.Dp + 1);
        }

        chars[i]++;
        return Trim(new string(chars, 0, i + 1), d.Dp);
    }
}
