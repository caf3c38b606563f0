#!/usr/bin/env python3
"""Docker-format image tarballs (what `docker save` writes and Jib's tar:// and jib:buildTar use), no engine needed.

  image-tar.py pack ROOT OUT.tar NAME:TAG [ENV=VALUE ...]   one-layer image of directory ROOT, files owned by root
  image-tar.py config IMAGE.tar                              the image's config (user, entrypoint, ports, env) as JSON
  image-tar.py unpack IMAGE.tar DIR                          the layers applied in order (whiteouts honoured) into DIR
"""
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile

# directories the gateway's user (10001, group 0) writes to; group 0 may write, as OpenShift-style images do
MODES = {"tmp": 0o1777, "var/lib/siteconnect": 0o775}


def pack(root, out, tag, env):
    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(_walk(root)):
            rel = os.path.relpath(path, root)
            info = tar.gettarinfo(path, arcname=rel)
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            info.mtime = 0
            if rel in MODES:
                info.mode = MODES[rel]
            if info.isfile():
                with open(path, "rb") as f:
                    tar.addfile(info, f)
            else:
                tar.addfile(info)
    data = layer.getvalue()
    diff_id = "sha256:" + hashlib.sha256(data).hexdigest()
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": {"Env": list(env), "Cmd": ["java", "-version"]},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "src/deploy/base-image.sh"}],
    }
    config_bytes = json.dumps(config, indent=2).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    layer_name = diff_id[7:] + "/layer.tar"
    manifest = [{"Config": config_name, "RepoTags": [tag], "Layers": [layer_name]}]
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with tarfile.open(out, mode="w") as tar:
        _add(tar, diff_id[7:] + "/", None)
        _add(tar, layer_name, data)
        _add(tar, config_name, config_bytes)
        _add(tar, "manifest.json", json.dumps(manifest).encode())


def _walk(root):
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            yield os.path.join(dirpath, name)


def _add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.mtime = 0
    if data is None:
        info.type = tarfile.DIRTYPE
        info.mode = 0o755
        tar.addfile(info)
    else:
        info.size = len(data)
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(data))


def _manifest(tar):
    manifest = json.load(tar.extractfile("manifest.json"))
    if len(manifest) != 1:
        sys.exit("expected one image in the tarball, found %d" % len(manifest))
    return manifest[0]


def config(image):
    with tarfile.open(image) as tar:
        entry = _manifest(tar)
        cfg = json.load(tar.extractfile(entry["Config"]))
        cfg["_layers"] = len(entry["Layers"])
        cfg["_repoTags"] = entry.get("RepoTags", [])
        json.dump(cfg, sys.stdout, indent=2)
        print()


def unpack(image, dest):
    os.makedirs(dest, exist_ok=True)
    with tarfile.open(image) as outer:
        entry = _manifest(outer)
        for layer_name in entry["Layers"]:
            with tarfile.open(fileobj=outer.extractfile(layer_name)) as layer:
                members = []
                for m in layer.getmembers():
                    base = os.path.basename(m.name)
                    target = os.path.join(dest, os.path.dirname(m.name))
                    if base == ".wh..wh..opq":
                        for name in os.listdir(target) if os.path.isdir(target) else []:
                            _remove(os.path.join(target, name))
                    elif base.startswith(".wh."):
                        _remove(os.path.join(target, base[4:]))
                    else:
                        members.append(m)
                layer.extractall(dest, members=members, numeric_owner=True, filter="fully_trusted")


def _remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.remove(path)


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "pack":
        pack(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    elif len(sys.argv) == 3 and sys.argv[1] == "config":
        config(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "unpack":
        unpack(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
