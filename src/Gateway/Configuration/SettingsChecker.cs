using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Gateway.Configuration;

/// <summary>
/// Walks a configuration section against the options types before binding, so that every unknown setting and every
/// value that cannot be converted is reported at its own position — the binder itself stops at the first one and
/// names neither.
/// </summary>
internal static class SettingsChecker
{
    public static void Check(IConfigurationSection section, Type type, Action<string, string> error)
        => Check(section, type, error, []);

    /// <summary>Also collects the paths of values that cannot be converted, so the caller can bind without them.</summary>
    public static void Check(IConfigurationSection section, Type type, Action<string, string> error, List<string> badValues)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite || IsList(p.PropertyType))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (!properties.TryGetValue(child.Key, out var property))
            {
                var near = PolicyCore.Validation.Suggestions.Closest(child.Key, properties.Keys);
                error(child.Path, $"unknown setting '{child.Key}' in {Display(section.Path)}"
                    + (near is null ? $": known settings are {string.Join(", ", properties.Keys)}" : $": did you mean '{near}'?"));
                continue;
            }

            CheckValue(child, property.PropertyType, property.Name, error, badValues);
        }
    }

    private static void CheckValue(IConfigurationSection section, Type type, string name, Action<string, string> error, List<string> badValues)
    {
        if (IsList(type))
        {
            var element = type.GetGenericArguments()[0];
            if (section.Value is not null && section.Value.Length > 0)
            {
                error(section.Path, $"{name} must be a list, e.g. [ \"{section.Value}\" ]");
                badValues.Add(section.Path);
                return;
            }

            foreach (var item in section.GetChildren())
            {
                CheckValue(item, element, name, error, badValues);
            }

            return;
        }

        if (IsScalar(type))
        {
            if (section.GetChildren().Any())
            {
                error(section.Path, $"{name} must be a single value, not an object or a list");
                badValues.Add(section.Path);
                return;
            }

            if (section.Value is { } value && !Converts(value, type))
            {
                error(section.Path, $"'{value}' is not a valid value for {name}: expected {Describe(type)}");
                badValues.Add(section.Path);
            }

            return;
        }

        if (section.Value is not null && section.Value.Length > 0)
        {
            error(section.Path, $"{name} must be an object");
            badValues.Add(section.Path);
            return;
        }

        Check(section, type, error, badValues);
    }

    private static bool IsList(Type t) => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>);

    private static bool IsScalar(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        return t.IsPrimitive || t == typeof(string) || t == typeof(TimeSpan) || t.IsEnum || t == typeof(decimal);
    }

    private static bool Converts(string value, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return true;
        }

        if (type == typeof(TimeSpan))
        {
            return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _);
        }

        if (type == typeof(bool))
        {
            return bool.TryParse(value, out _);
        }

        if (type == typeof(int))
        {
            return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
        }

        if (type == typeof(long))
        {
            return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
        }

        return true;
    }

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(TimeSpan))
        {
            return "a duration written [d.]hh:mm:ss, e.g. \"00:00:30\" or \"90.00:00:00\" for 90 days";
        }

        if (type == typeof(bool))
        {
            return "true or false";
        }

        return type == typeof(int) || type == typeof(long) ? "a whole number" : type.Name;
    }

    private static string Display(string path) => path.Replace(':', '.');

}
