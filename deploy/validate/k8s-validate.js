#!/usr/bin/env node
// Offline validation of Kubernetes manifests against the OpenAPI schemas bundled in kubernetes-models
// (pinned in package-lock.json). Run by src/test/java/com/ervc/deploy/KubernetesManifestsTest.java:
//
//   kubectl kustomize k8s/ | node deploy/validate/k8s-validate.js [--objects]
//   node deploy/validate/k8s-validate.js [--objects] FILE...      ("-" reads stdin)
//
// Prints a JSON array, one entry per document: {apiVersion, kind, name, namespace, errors: [...]}, plus the
// document itself as "object" with --objects. Exit code 0 when every document is valid, 1 when any has an
// error (or there is no document at all), 2 when the input cannot be read or parsed as YAML.
//
// Beyond the schema (types, required fields, enums), each document is checked for what the API server would
// also refuse or silently drop:
//  - unknown fields: kubernetes-models' validators accept any extra key, so every key of the document that the
//    validator never looked at is reported (a typo such as `readinesProbe` would otherwise be dropped by
//    `kubectl apply` and go unnoticed). Keys of free-form maps (labels, annotations, data, resources...) count as
//    looked at, because the validator enumerates them;
//  - unknown apiVersion/kind (no model for it), and alpha/beta or extensions/* API versions (most are removed
//    from current clusters, e.g. extensions/v1beta1 Ingress, policy/v1beta1 PodDisruptionBudget);
//  - object names (DNS-1123 subdomain; DNS-1035 label for Services), container and port names, label keys and
//    values, environment variable names, duplicate objects.
"use strict";

const fs = require("fs");
const yaml = require("js-yaml");

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const IANA_SVC_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const LABEL_VALUE = /^(([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?)$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** The model class for apiVersion + kind, or null. Core group "v1" lives at kubernetes-models/v1. */
function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string" || !/^[A-Za-z0-9.\/-]+$/.test(apiVersion)) {
    return null;
  }
  let mod;
  try {
    mod = require("kubernetes-models/" + apiVersion);
  } catch (e) {
    return null;
  }
  const model = Object.prototype.hasOwnProperty.call(mod, kind) ? mod[kind] : null;
  return model && model.apiVersion === apiVersion && model.kind === kind ? model : null;
}

/**
 * Wraps a document so that every property the validator reads (seen) and every object whose keys it enumerates
 * (enumerated) is recorded, by JSON-pointer-like path.
 */
function track(value, path, seen, enumerated) {
  if (value === null || typeof value !== "object") {
    return value;
  }
  return new Proxy(value, {
    get(target, key, receiver) {
      const result = Reflect.get(target, key, receiver);
      if (typeof key !== "string") {
        return result;
      }
      seen.add(path + "/" + key);
      return Object.prototype.hasOwnProperty.call(target, key)
        ? track(result, path + "/" + key, seen, enumerated) : result;
    },
    has(target, key) {
      if (typeof key === "string") {
        seen.add(path + "/" + key);
      }
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      enumerated.add(path);
      return Reflect.ownKeys(target);
    },
  });
}

function unknownFields(value, path, seen, enumerated, out) {
  if (value === null || typeof value !== "object") {
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => unknownFields(item, path + "/" + i, seen, enumerated, out));
    return;
  }
  for (const key of Object.keys(value)) {
    const child = path + "/" + key;
    if (!enumerated.has(path) && !seen.has(child)) {
      out.push(`${child || "/"}: unknown field "${key}"`);
      continue; // nothing below an unknown field is looked at
    }
    unknownFields(value[key], child, seen, enumerated, out);
  }
}

function schemaErrors(model, doc) {
  const seen = new Set();
  const enumerated = new Set();
  const errors = [];
  try {
    model.prototype.validate.call(track(doc, "", seen, enumerated));
  } catch (e) {
    if (Array.isArray(e.errors)) {
      for (const err of e.errors) {
        errors.push(`${err.instancePath || "/"}: ${err.message}${err.params && err.params.allowedValues
          ? " " + JSON.stringify(err.params.allowedValues) : ""}`);
      }
    } else {
      errors.push(String(e && e.message ? e.message : e));
    }
  }
  unknownFields(doc, "", seen, enumerated, errors);
  return errors;
}

function checkLabels(labels, where, errors) {
  if (!labels || typeof labels !== "object") {
    return;
  }
  for (const [key, value] of Object.entries(labels)) {
    const slash = key.lastIndexOf("/");
    const prefix = slash >= 0 ? key.slice(0, slash) : null;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if ((prefix !== null && (!DNS1123_SUBDOMAIN.test(prefix) || prefix.length > 253))
        || !LABEL_NAME.test(name) || name.length > 63) {
      errors.push(`${where}: invalid label key "${key}"`);
    }
    if (typeof value !== "string" || !LABEL_VALUE.test(value) || value.length > 63) {
      errors.push(`${where}/${key}: invalid label value ${JSON.stringify(value)}`);
    }
  }
}

function podSpecOf(doc) {
  const spec = doc.spec || {};
  switch (doc.kind) {
    case "Pod": return { spec, path: "/spec" };
    case "CronJob": return { spec: (((spec.jobTemplate || {}).spec || {}).template || {}).spec,
      path: "/spec/jobTemplate/spec/template/spec" };
    case "Deployment": case "StatefulSet": case "DaemonSet": case "ReplicaSet": case "Job":
      return { spec: (spec.template || {}).spec, path: "/spec/template/spec" };
    default: return null;
  }
}

function semanticErrors(doc) {
  const errors = [];
  const meta = doc.metadata || {};
  const name = meta.name;
  const nameOk = doc.kind === "Service" ? DNS1035_LABEL.test(name || "") && name.length <= 63
    : DNS1123_SUBDOMAIN.test(name || "") && name.length <= 253;
  if (!nameOk) {
    errors.push(`/metadata/name: ${JSON.stringify(name)} is not a valid ${doc.kind} name`);
  }
  checkLabels(meta.labels, "/metadata/labels", errors);
  const spec = doc.spec || {};
  if (spec.template && spec.template.metadata) {
    checkLabels(spec.template.metadata.labels, "/spec/template/metadata/labels", errors);
  }
  if (spec.selector && spec.selector.matchLabels) {
    checkLabels(spec.selector.matchLabels, "/spec/selector/matchLabels", errors);
  }
  if (doc.kind === "Service" && spec.selector && !spec.selector.matchLabels) {
    checkLabels(spec.selector, "/spec/selector", errors);
  }
  for (const [i, port] of ((doc.kind === "Service" && spec.ports) || []).entries()) {
    if (port && port.name !== undefined && (!IANA_SVC_NAME.test(port.name) || port.name.length > 15)) {
      errors.push(`/spec/ports/${i}/name: invalid port name ${JSON.stringify(port.name)}`);
    }
  }
  const pod = podSpecOf(doc);
  if (pod && pod.spec) {
    const all = [["containers", pod.spec.containers], ["initContainers", pod.spec.initContainers]];
    const names = new Set();
    for (const [field, containers] of all) {
      for (const [i, c] of (Array.isArray(containers) ? containers : []).entries()) {
        const where = `${pod.path}/${field}/${i}`;
        if (!c || typeof c !== "object") {
          continue;
        }
        if (!DNS1123_LABEL.test(c.name || "") || c.name.length > 63) {
          errors.push(`${where}/name: invalid container name ${JSON.stringify(c.name)}`);
        }
        if (names.has(c.name)) {
          errors.push(`${where}/name: duplicate container name ${JSON.stringify(c.name)}`);
        }
        names.add(c.name);
        const portNames = new Set();
        for (const [j, p] of (Array.isArray(c.ports) ? c.ports : []).entries()) {
          if (p && p.name !== undefined) {
            if (!IANA_SVC_NAME.test(p.name) || p.name.length > 15) {
              errors.push(`${where}/ports/${j}/name: invalid port name ${JSON.stringify(p.name)}`);
            }
            if (portNames.has(p.name)) {
              errors.push(`${where}/ports/${j}/name: duplicate port name ${JSON.stringify(p.name)}`);
            }
            portNames.add(p.name);
          }
        }
        const envNames = new Set();
        for (const [j, e] of (Array.isArray(c.env) ? c.env : []).entries()) {
          if (!e || !ENV_NAME.test(e.name || "")) {
            errors.push(`${where}/env/${j}/name: invalid variable name ${JSON.stringify(e && e.name)}`);
          } else if (envNames.has(e.name)) {
            errors.push(`${where}/env/${j}/name: duplicate variable ${e.name}`);
          }
          if (e && e.value !== undefined && e.valueFrom !== undefined) {
            errors.push(`${where}/env/${j}: value and valueFrom are exclusive`);
          }
          envNames.add(e && e.name);
        }
      }
    }
  }
  return errors;
}

function readInputs(args) {
  const files = args.length ? args : ["-"];
  return files.map((f) => ({ source: f === "-" ? "<stdin>" : f, text: fs.readFileSync(f === "-" ? 0 : f, "utf8") }));
}

function main() {
  const argv = process.argv.slice(2);
  const withObjects = argv.includes("--objects");
  const args = argv.filter((a) => a !== "--objects");
  if (args.some((a) => a.startsWith("--"))) {
    process.stderr.write("usage: k8s-validate.js [--objects] [FILE...|-]\n");
    process.exit(2);
  }
  const results = [];
  try {
    for (const input of readInputs(args)) {
      for (const doc of yaml.loadAll(input.text, null, { filename: input.source })) {
        if (doc === null || doc === undefined) {
          continue;
        }
        if (typeof doc !== "object" || Array.isArray(doc)) {
          results.push({ source: input.source, kind: null, name: null, errors: ["document is not a mapping"] });
          continue;
        }
        const meta = doc.metadata && typeof doc.metadata === "object" ? doc.metadata : {};
        const entry = {
          source: input.source,
          apiVersion: doc.apiVersion === undefined ? null : doc.apiVersion,
          kind: doc.kind === undefined ? null : doc.kind,
          name: meta.name === undefined ? null : meta.name,
          namespace: meta.namespace === undefined ? null : meta.namespace,
          errors: [],
        };
        const model = modelFor(doc.apiVersion, doc.kind);
        if (model && (/(alpha|beta)\d*$/.test(doc.apiVersion) || doc.apiVersion.startsWith("extensions/"))) {
          entry.errors.push(`apiVersion ${doc.apiVersion} is not a GA API (removed or not served by current clusters)`);
        } else if (!model) {
          entry.errors.push(`unknown apiVersion/kind: ${JSON.stringify(doc.apiVersion)} ${JSON.stringify(doc.kind)}`);
        } else {
          entry.errors.push(...schemaErrors(model, doc), ...semanticErrors(doc));
        }
        if (withObjects) {
          entry.object = doc;
        }
        results.push(entry);
      }
    }
  } catch (e) {
    process.stderr.write(`k8s-validate: ${e.message}\n`);
    process.exit(2);
  }
  const ids = new Map();
  for (const r of results) {
    const id = `${r.apiVersion}/${r.kind}/${r.namespace || ""}/${r.name}`;
    if (ids.has(id)) {
      r.errors.push(`duplicate object (also in ${ids.get(id)})`);
    }
    ids.set(id, r.source);
  }
  process.stdout.write(JSON.stringify(results, null, 1) + "\n");
  const failed = results.length === 0 || results.some((r) => r.errors.length > 0);
  if (results.length === 0) {
    process.stderr.write("k8s-validate: no Kubernetes document in the input\n");
  }
  process.exit(failed ? 1 : 0);
}

main();
