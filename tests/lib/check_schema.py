#!/usr/bin/python3
"""check_schema.py - validate a JSON document against a JSON Schema.

  check_schema.py SCHEMA JSONFILE      ("-" reads JSONFILE from standard input)

Exit 0 when JSONFILE is valid, 1 on a violation (each one printed as
"PATH: problem" on standard error), 2 on usage or unreadable input.

Uses the `jsonschema` package when it is installed (python3-jsonschema);
otherwise a small standard-library validator for the subset of draft 2020-12
that docs/json-schema.json uses: type, const, enum, pattern, minimum,
maximum, minItems, maxItems, items, properties, required, $ref (local
"#/$defs/..."), anyOf, oneOf, allOf, if/then/else.  Anything else in a
schema is an error of this checker (so the schema cannot silently use a
keyword that is not checked).
"""
import json
import re
import sys

KNOWN = {
    "$schema", "$id", "$defs", "title", "description", "type", "const", "enum",
    "pattern", "minimum", "maximum", "minItems", "maxItems", "items",
    "properties", "required", "$ref", "anyOf", "oneOf", "allOf", "if", "then",
    "else", "additionalProperties",
}


class Checker:
    def __init__(self, root):
        self.root = root
        self.errors = []

    def resolve(self, ref):
        if not ref.startswith("#/"):
            raise ValueError("only local $ref supported: %s" % ref)
        node = self.root
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    @staticmethod
    def type_ok(v, t):
        if t == "null":
            return v is None
        if t == "boolean":
            return isinstance(v, bool)
        if t == "integer":
            return isinstance(v, int) and not isinstance(v, bool)
        if t == "number":
            return isinstance(v, (int, float)) and not isinstance(v, bool)
        if t == "string":
            return isinstance(v, str)
        if t == "array":
            return isinstance(v, list)
        if t == "object":
            return isinstance(v, dict)
        raise ValueError("unknown type %r" % t)

    def valid(self, v, s):
        """True when v matches s, without recording errors."""
        saved = self.errors
        self.errors = []
        self.check(v, s, "")
        ok = not self.errors
        self.errors = saved
        return ok

    def err(self, path, msg):
        self.errors.append("%s: %s" % (path or "/", msg))

    def check(self, v, s, path):
        if s is True or s == {}:
            return
        if s is False:
            self.err(path, "not allowed")
            return
        unknown = set(s) - KNOWN
        if unknown:
            raise ValueError("schema keyword(s) not supported: %s" % ", ".join(sorted(unknown)))
        if "$ref" in s:
            self.check(v, self.resolve(s["$ref"]), path)
        if "type" in s:
            ts = s["type"] if isinstance(s["type"], list) else [s["type"]]
            if not any(self.type_ok(v, t) for t in ts):
                self.err(path, "%s is not of type %s" % (json.dumps(v)[:60], "/".join(ts)))
                return
        if "const" in s and not (v == s["const"] and type(v) is type(s["const"])):
            self.err(path, "%s is not %s" % (json.dumps(v)[:60], json.dumps(s["const"])))
        if "enum" in s and not any(v == e and type(v) is type(e) for e in s["enum"]):
            self.err(path, "%s is not one of %s" % (json.dumps(v)[:60], json.dumps(s["enum"])))
        if isinstance(v, str) and "pattern" in s and not re.search(s["pattern"], v):
            self.err(path, "%r does not match %s" % (v[:60], s["pattern"]))
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if "minimum" in s and v < s["minimum"]:
                self.err(path, "%s < minimum %s" % (v, s["minimum"]))
            if "maximum" in s and v > s["maximum"]:
                self.err(path, "%s > maximum %s" % (v, s["maximum"]))
        if isinstance(v, list):
            if "minItems" in s and len(v) < s["minItems"]:
                self.err(path, "%d items, fewer than %d" % (len(v), s["minItems"]))
            if "maxItems" in s and len(v) > s["maxItems"]:
                self.err(path, "%d items, more than %d" % (len(v), s["maxItems"]))
            if "items" in s:
                for i, x in enumerate(v):
                    self.check(x, s["items"], "%s/%d" % (path, i))
        if isinstance(v, dict):
            for k in s.get("required", []):
                if k not in v:
                    self.err(path, "required key %r missing" % k)
            props = s.get("properties", {})
            for k, x in v.items():
                if k in props:
                    self.check(x, props[k], "%s/%s" % (path, k))
                elif "additionalProperties" in s:
                    self.check(x, s["additionalProperties"], "%s/%s" % (path, k))
        for sub in s.get("allOf", []):
            self.check(v, sub, path)
        if "anyOf" in s and not any(self.valid(v, sub) for sub in s["anyOf"]):
            self.err(path, "%s matches none of anyOf" % json.dumps(v)[:60])
        if "oneOf" in s:
            n = sum(1 for sub in s["oneOf"] if self.valid(v, sub))
            if n != 1:
                self.err(path, "%s matches %d of oneOf (need exactly 1)" % (json.dumps(v)[:60], n))
        if "if" in s:
            if self.valid(v, s["if"]):
                if "then" in s:
                    self.check(v, s["then"], path)
            elif "else" in s:
                self.check(v, s["else"], path)


def main(argv):
    if len(argv) != 3:
        print("usage: check_schema.py SCHEMA JSONFILE", file=sys.stderr)
        return 2
    try:
        with open(argv[1]) as f:
            schema = json.load(f)
        if argv[2] == "-":
            doc = json.load(sys.stdin)
        else:
            with open(argv[2]) as f:
                doc = json.load(f)
    except (OSError, ValueError) as e:
        print("check_schema: %s" % e, file=sys.stderr)
        return 2
    try:
        import jsonschema  # python3-jsonschema, when installed
    except ImportError:
        jsonschema = None
    if jsonschema is not None:
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        errs = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.absolute_path))
        msgs = ["/" + "/".join(str(p) for p in e.absolute_path) + ": " + e.message for e in errs]
    else:
        c = Checker(schema)
        c.check(doc, schema, "")
        msgs = c.errors
    for m in msgs[:50]:
        print("check_schema: %s: %s" % (argv[2], m), file=sys.stderr)
    if len(msgs) > 50:
        print("check_schema: ... %d more" % (len(msgs) - 50), file=sys.stderr)
    return 1 if msgs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
