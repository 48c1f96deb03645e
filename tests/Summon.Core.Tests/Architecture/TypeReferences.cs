using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Summon.Core.Tests.Architecture;

/// <summary>
/// Every type a compiled assembly's types use, read from its metadata and IL with Mono.Cecil: base types, interfaces,
/// fields, signatures, locals, catch clauses, attributes and every type, method or field an instruction names, generic
/// arguments included. Compiler-generated types (closures, state machines) count as the type that declares them.
/// Constants are compiled into their users and leave no reference: a room that only reads another's constants is not
/// seen here.
/// </summary>
internal static class TypeReferences
{
    /// <summary>(user, used) pairs, each as the outermost declaring type's full name.</summary>
    public static IEnumerable<(TypeDefinition User, TypeReference Used)> Of(ModuleDefinition module)
    {
        foreach (var type in module.GetTypes())
        {
            var user = Outermost(type);
            foreach (var used in Uses(type))
                foreach (var element in Expand(used))
                    yield return (user, element);
        }
    }

    public static TypeDefinition Outermost(TypeDefinition type)
    {
        while (type.DeclaringType is { } outer)
            type = outer;
        return type;
    }

    /// <summary>The namespace a reference lives in, taking nested types to their outermost declaring type.</summary>
    public static string NamespaceOf(TypeReference type)
    {
        while (type.DeclaringType is { } outer)
            type = outer;
        return type.Namespace;
    }

    private static IEnumerable<TypeReference> Uses(TypeDefinition type)
    {
        if (type.BaseType is { } baseType)
            yield return baseType;
        foreach (var i in type.Interfaces)
            yield return i.InterfaceType;
        foreach (var a in type.CustomAttributes)
            yield return a.AttributeType;
        foreach (var field in type.Fields)
            yield return field.FieldType;
        foreach (var property in type.Properties)
            yield return property.PropertyType;
        foreach (var method in type.Methods)
        {
            yield return method.ReturnType;
            foreach (var p in method.Parameters)
                yield return p.ParameterType;
            foreach (var a in method.CustomAttributes)
                yield return a.AttributeType;
            if (!method.HasBody)
                continue;
            foreach (var local in method.Body.Variables)
                yield return local.VariableType;
            foreach (var handler in method.Body.ExceptionHandlers)
                if (handler.CatchType is { } caught)
                    yield return caught;
            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference t:
                        yield return t;
                        break;
                    case MethodReference m:
                        yield return m.DeclaringType;
                        yield return m.ReturnType;
                        foreach (var p in m.Parameters)
                            yield return p.ParameterType;
                        if (m is GenericInstanceMethod g)
                            foreach (var arg in g.GenericArguments)
                                yield return arg;
                        break;
                    case FieldReference f:
                        yield return f.DeclaringType;
                        yield return f.FieldType;
                        break;
                }
            }
        }
    }

    /// <summary>A type with its element type (arrays, pointers, by-ref) and generic arguments, recursively.</summary>
    private static IEnumerable<TypeReference> Expand(TypeReference type)
    {
        switch (type)
        {
            case GenericInstanceType g:
                foreach (var t in Expand(g.ElementType))
                    yield return t;
                foreach (var arg in g.GenericArguments)
                    foreach (var t in Expand(arg))
                        yield return t;
                break;
            case TypeSpecification spec:
                foreach (var t in Expand(spec.ElementType))
                    yield return t;
                break;
            case GenericParameter:
                break;
            default:
                yield return type;
                break;
        }
    }
}
