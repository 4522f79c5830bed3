using Wharf.Api.Models;
using Wharf.Engine.Volumes;

namespace Wharf.Engine.Tests.Volumes;

/// <summary>The daemon's reading of -v specs (HostConfig.Binds), --mount objects and --volumes-from, with Docker's messages.</summary>
public class MountParserTests
{
    [Fact]
    public void A_named_volume_with_a_destination()
    {
        var m = MountParser.ParseBind("data:/var/lib/mysql");
        Assert.Equal(("volume", "data", "/var/lib/mysql", false, ""), (m.Type, m.Source, m.Destination, m.ReadOnly, m.Propagation));
    }

    [Fact]
    public void A_host_path_is_a_bind_with_rprivate_by_default()
    {
        var m = MountParser.ParseBind("/srv/www/:/usr/share/nginx/html");
        Assert.Equal(("bind", "/srv/www", "/usr/share/nginx/html", "rprivate", true), (m.Type, m.Source, m.Destination, m.Propagation, m.CreateSource));
    }

    [Fact]
    public void A_bare_path_is_an_anonymous_volume()
    {
        var m = MountParser.ParseBind("/data");
        Assert.Equal(("volume", "", "/data"), (m.Type, m.Source, m.Destination));
    }

    [Theory]
    [InlineData("/h:/c:ro", true, "rprivate")]
    [InlineData("/h:/c:rw,rshared", false, "rshared")]
    [InlineData("/h:/c:ro,Z,rslave", true, "rslave")]
    [InlineData("/h:/c:z", false, "rprivate")]
    public void Modes_set_read_only_and_propagation(string spec, bool readOnly, string propagation)
    {
        var m = MountParser.ParseBind(spec);
        Assert.Equal((readOnly, propagation), (m.ReadOnly, m.Propagation));
        Assert.Equal(spec[(spec.LastIndexOf(':') + 1)..], m.Mode);
    }

    [Fact]
    public void Nocopy_is_kept_for_volumes()
    {
        Assert.True(MountParser.ParseBind("data:/data:nocopy").NoCopy);
    }

    [Theory]
    [InlineData("/h:/c:bogus", "invalid mode: bogus")]
    [InlineData("/h:/c:ro,rw", "invalid mode: ro,rw")]
    [InlineData("/h:/c:shared,slave", "invalid mode: shared,slave")]
    [InlineData("/h:/c:nocopy", "invalid mode: nocopy")]
    public void An_unknown_or_repeated_option_is_an_invalid_mode(string spec, string message)
    {
        var e = Assert.Throws<BadRequestException>(() => MountParser.ParseBind(spec));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("/c:rw")]
    [InlineData(":/c")]
    [InlineData("a:/b:ro:d")]
    public void Malformed_specs_are_invalid_volume_specifications(string spec)
    {
        var e = Assert.Throws<BadRequestException>(() => MountParser.ParseBind(spec));
        Assert.StartsWith($"invalid volume specification: '{spec}'", e.Message);
    }

    [Fact]
    public void The_root_is_not_a_mount_target()
    {
        var e = Assert.Throws<BadRequestException>(() => MountParser.ParseBind("/h:/"));
        Assert.Equal("invalid volume specification: '/h:/': invalid mount config for type \"bind\": invalid specification: destination can't be '/'", e.Message);
    }

    [Theory]
    [InlineData("/proc")]
    [InlineData("/proc/sys/kernel")]
    [InlineData("/x/../proc/self")]
    public void Targets_inside_proc_are_refused(string target)
    {
        var e = Assert.Throws<BadRequestException>(() => MountParser.ParseBind("/h:" + target));
        Assert.Contains("cannot be mounted because it is inside /proc", e.Message);
    }

    [Fact]
    public void The_proc_files_the_runtime_allows_can_be_mounted_over()
    {
        Assert.Equal("/proc/cpuinfo", MountParser.ParseBind("/h/cpuinfo:/proc/cpuinfo").Destination);
    }

    [Fact]
    public void A_relative_target_is_refused()
    {
        var e = Assert.Throws<BadRequestException>(() => MountParser.ParseBind("data:rel"));
        Assert.Contains("invalid mount path: 'rel' mount path must be absolute", e.Message);
    }

    [Fact]
    public void A_read_only_anonymous_volume_is_refused()
    {
        // "/data:ro" is a destination and a mode: not a valid spec at all, as in Docker.
        Assert.Throws<BadRequestException>(() => MountParser.ParseBind("/data:ro"));
        var e = Assert.Throws<BadRequestException>(() => MountParser.FromApi(new Mount { Type = "volume", Target = "/d", ReadOnly = true }, _ => true));
        Assert.Contains("must not set ReadOnly mode when using anonymous volumes", e.Message);
    }

    [Fact]
    public void Mount_bind_with_every_option()
    {
        var m = MountParser.FromApi(new Mount
        {
            Type = "bind", Source = "/srv/x/", Target = "/x/", ReadOnly = true,
            BindOptions = new MountBindOptions { Propagation = "rshared", NonRecursive = true },
        }, _ => true);
        Assert.Equal(("bind", "/srv/x", "/x", true, "rshared", true, false), (m.Type, m.Source, m.Destination, m.ReadOnly, m.Propagation, m.NonRecursive, m.CreateSource));
    }

    [Fact]
    public void Mount_bind_to_a_missing_source_is_an_error()
    {
        var e = Assert.Throws<BadRequestException>(() =>
            MountParser.FromApi(new Mount { Type = "bind", Source = "/no/such/dir", Target = "/x" }, _ => false));
        Assert.Equal("invalid mount config for type \"bind\": bind source path does not exist: /no/such/dir", e.Message);
    }

    [Fact]
    public void Mount_bind_with_create_mountpoint_accepts_a_missing_source()
    {
        var m = MountParser.FromApi(new Mount
        {
            Type = "bind", Source = "/no/such/dir", Target = "/x", BindOptions = new MountBindOptions { CreateMountpoint = true },
        }, _ => false);
        Assert.True(m.CreateSource);
    }

    [Fact]
    public void Mount_volume_with_nocopy_options_labels_and_subpath()
    {
        var m = MountParser.FromApi(new Mount
        {
            Type = "volume", Source = "cache", Target = "/cache",
            VolumeOptions = new MountVolumeOptions
            {
                NoCopy = true, Labels = new() { ["a"] = "b" }, Subpath = "sub/dir",
                DriverConfig = new MountDriverConfig { Name = "local", Options = new() { ["type"] = "tmpfs", ["device"] = "tmpfs" } },
            },
        }, _ => true);
        Assert.True(m.NoCopy);
        Assert.Equal("sub/dir", m.Subpath);
        Assert.Equal("tmpfs", m.VolumeOptions!["type"]);
        Assert.Equal("b", m.VolumeLabels!["a"]);
    }

    [Fact]
    public void Mount_volume_subpath_cannot_leave_the_volume()
    {
        var e = Assert.Throws<BadRequestException>(() => MountParser.FromApi(new Mount
        {
            Type = "volume", Source = "v", Target = "/x", VolumeOptions = new MountVolumeOptions { Subpath = "../etc" },
        }, _ => true));
        Assert.Contains("subpath must be a relative path within the volume", e.Message);
    }

    [Fact]
    public void Mount_volume_with_another_driver_is_refused()
    {
        var e = Assert.Throws<BadRequestException>(() => MountParser.FromApi(new Mount
        {
            Type = "volume", Source = "v", Target = "/x", VolumeOptions = new MountVolumeOptions { DriverConfig = new MountDriverConfig { Name = "nfs" } },
        }, _ => true));
        Assert.Contains("plugin \"nfs\" not found", e.Message);
    }

    [Fact]
    public void Mount_tmpfs_size_and_mode_become_mount_options()
    {
        var m = MountParser.FromApi(new Mount
        {
            Type = "tmpfs", Target = "/run", TmpfsOptions = new MountTmpfsOptions { SizeBytes = 64 * 1024 * 1024, Mode = 0x1FF },
        }, _ => true);
        Assert.Equal(["size=65536k", "mode=777"], m.TmpfsOptions);
    }

    [Theory]
    [InlineData("tmpfs", "field Source must not be specified")]
    [InlineData("npipe", "mount type unknown")]
    public void Mount_type_specific_errors(string type, string message)
    {
        var e = Assert.Throws<BadRequestException>(() => MountParser.FromApi(new Mount { Type = type, Source = "x", Target = "/x" }, _ => true));
        Assert.Equal($"invalid mount config for type \"{type}\": {message}", e.Message);
    }

    [Fact]
    public void Mount_bind_options_on_a_volume_are_refused()
    {
        var e = Assert.Throws<BadRequestException>(() => MountParser.FromApi(new Mount
        {
            Type = "volume", Source = "v", Target = "/x", BindOptions = new MountBindOptions { Propagation = "rshared" },
        }, _ => true));
        Assert.Contains("field BindOptions must not be specified", e.Message);
    }

    [Theory]
    [InlineData("web", "web", "rw")]
    [InlineData("web:ro", "web", "ro")]
    public void Volumes_from(string spec, string container, string mode)
    {
        Assert.Equal((container, mode), MountParser.ParseVolumesFrom(spec));
    }

    [Theory]
    [InlineData("web:rshared")]
    [InlineData("web:nocopy")]
    [InlineData("web:bad")]
    public void Volumes_from_refuses_propagation_copy_and_unknown_modes(string spec)
    {
        var e = Assert.Throws<BadRequestException>(() => MountParser.ParseVolumesFrom(spec));
        Assert.StartsWith("invalid mode: ", e.Message);
    }
}
