"""An independent, devkit-equivalent reader of a nuScenes dataroot, written for nuload's tests.

It loads the 13 tables with ``json.load`` and performs the same look-ups, decorations and walks that
the official nuScenes devkit (``NuScenes.__init__`` / reverse indexing, ``get_sample_data``,
``box_velocity``, ``LidarPointCloud`` / ``RadarPointCloud``) and the mmdet3d v0.17 / PETR converters
perform (spec sections 1.6, 1.10, 2.2-2.8), so that a dataset this reader accepts is one those tools
accept: every dictionary look-up the real tools make is made here too and fails the same way
(``KeyError``) on a dangling token. It shares no code with the Java implementation.
"""

import json
import math
import os
import struct

import numpy as np

TABLES = [
    "category", "attribute", "visibility", "instance", "sensor", "calibrated_sensor",
    "ego_pose", "log", "scene", "sample", "sample_data", "sample_annotation", "map",
]
CAMERAS = ["CAM_FRONT", "CAM_FRONT_RIGHT", "CAM_FRONT_LEFT", "CAM_BACK", "CAM_BACK_LEFT",
           "CAM_BACK_RIGHT"]
SWEEP_CAMERAS = ["CAM_FRONT", "CAM_FRONT_RIGHT", "CAM_BACK_RIGHT", "CAM_BACK", "CAM_BACK_LEFT",
                 "CAM_FRONT_LEFT"]
NAME_MAPPING = {
    "movable_object.barrier": "barrier", "vehicle.bicycle": "bicycle",
    "vehicle.bus.bendy": "bus", "vehicle.bus.rigid": "bus", "vehicle.car": "car",
    "vehicle.construction": "construction_vehicle", "vehicle.motorcycle": "motorcycle",
    "human.pedestrian.adult": "pedestrian", "human.pedestrian.child": "pedestrian",
    "human.pedestrian.construction_worker": "pedestrian",
    "human.pedestrian.police_officer": "pedestrian",
    "movable_object.trafficcone": "traffic_cone", "vehicle.trailer": "trailer",
    "vehicle.truck": "truck",
}


def quat_matrix(q):
    w, x, y, z = np.asarray(q, dtype=np.float64) / np.linalg.norm(q)
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
        [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
        [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
    ])


def quat_mul(a, b):
    aw, ax, ay, az = a
    bw, bx, by, bz = b
    return np.array([
        aw * bw - ax * bx - ay * by - az * bz,
        aw * bx + ax * bw + ay * bz - az * by,
        aw * by - ax * bz + ay * bw + az * bx,
        aw * bz + ax * by - ay * bx + az * bw,
    ])


def quat_inv(q):
    q = np.asarray(q, dtype=np.float64)
    return np.array([q[0], -q[1], -q[2], -q[3]]) / np.dot(q, q)


def yaw_of(q):
    w, x, y, z = np.asarray(q, dtype=np.float64) / np.linalg.norm(q)
    return math.atan2(2 * (w * z - x * y), 1 - 2 * (y * y + z * z))


class DevkitLike:
    """Loads a dataroot the way ``NuScenes(version, dataroot)`` does."""

    def __init__(self, version, dataroot):
        self.version = version
        self.dataroot = str(dataroot)
        self.table_root = os.path.join(self.dataroot, version)
        assert os.path.exists(self.table_root), f"Database version not found: {self.table_root}"
        for t in TABLES:
            with open(os.path.join(self.table_root, f"{t}.json")) as f:
                setattr(self, t, json.load(f))
        self._token2ind = {}
        for t in TABLES:
            index = {}
            for i, rec in enumerate(getattr(self, t)):
                assert rec["token"] not in index, f"duplicate token {rec['token']} in {t}"
                index[rec["token"]] = i
            self._token2ind[t] = index
        for rec in self.sample_annotation:
            inst = self.get("instance", rec["instance_token"])
            rec["category_name"] = self.get("category", inst["category_token"])["name"]
        for rec in self.sample_data:
            cs = self.get("calibrated_sensor", rec["calibrated_sensor_token"])
            sensor = self.get("sensor", cs["sensor_token"])
            rec["sensor_modality"] = sensor["modality"]
            rec["channel"] = sensor["channel"]
        for rec in self.sample:
            rec["data"] = {}
            rec["anns"] = []
        for rec in self.sample_data:
            if rec["is_key_frame"]:
                self.get("sample", rec["sample_token"])["data"][rec["channel"]] = rec["token"]
        for rec in self.sample_annotation:
            self.get("sample", rec["sample_token"])["anns"].append(rec["token"])
        if "log_tokens" not in self.map[0]:
            raise AssertionError("log_tokens not in map table")
        log_to_map = {}
        for m in self.map:
            for lt in m["log_tokens"]:
                log_to_map[lt] = m["token"]
        for log in self.log:
            log["map_token"] = log_to_map[log["token"]]

    def get(self, table, token):
        return getattr(self, table)[self._token2ind[table][token]]

    # --- devkit helpers the converters call -------------------------------------------------
    def box_velocity(self, ann_token, max_time_diff=1.5):
        cur = self.get("sample_annotation", ann_token)
        has_prev, has_next = cur["prev"] != "", cur["next"] != ""
        if not has_prev and not has_next:
            return np.array([np.nan] * 3)
        first = self.get("sample_annotation", cur["prev"]) if has_prev else cur
        last = self.get("sample_annotation", cur["next"]) if has_next else cur
        t0 = self.get("sample", first["sample_token"])["timestamp"]
        t1 = self.get("sample", last["sample_token"])["timestamp"]
        dt = 1e-6 * (t1 - t0)
        limit = 2 * max_time_diff if has_prev and has_next else max_time_diff
        if dt > limit:
            return np.array([np.nan] * 3)
        return (np.array(last["translation"]) - np.array(first["translation"])) / dt

    def boxes_in_sensor(self, sd_token):
        """``get_sample_data`` for a keyframe: every annotation of the sample, in sensor frame."""
        sd = self.get("sample_data", sd_token)
        cs = self.get("calibrated_sensor", sd["calibrated_sensor_token"])
        pose = self.get("ego_pose", sd["ego_pose_token"])
        sample = self.get("sample", sd["sample_token"])
        out = []
        for tok in sample["anns"]:
            ann = self.get("sample_annotation", tok)
            c = np.array(ann["translation"], dtype=np.float64)
            q = np.array(ann["rotation"], dtype=np.float64)
            c = quat_matrix(pose["rotation"]).T @ (c - np.array(pose["translation"]))
            q = quat_mul(quat_inv(pose["rotation"]), q)
            c = quat_matrix(cs["rotation"]).T @ (c - np.array(cs["translation"]))
            q = quat_mul(quat_inv(cs["rotation"]), q)
            out.append((c, ann["size"], q, ann))
        return out

    def sensor2lidar(self, sd_token, l2e_t, l2e_r, e2g_t, e2g_r):
        sd = self.get("sample_data", sd_token)
        cs = self.get("calibrated_sensor", sd["calibrated_sensor_token"])
        pose = self.get("ego_pose", sd["ego_pose_token"])
        r_l2e, r_e2g = quat_matrix(l2e_r), quat_matrix(e2g_r)
        r_s2e, r_e2g_s = quat_matrix(cs["rotation"]), quat_matrix(pose["rotation"])
        r = r_l2e.T @ r_e2g.T @ r_e2g_s @ r_s2e
        t = r_l2e.T @ (r_e2g.T @ (r_e2g_s @ np.array(cs["translation"])
                                  + np.array(pose["translation"]) - np.array(e2g_t))
                       - np.array(l2e_t))
        return r, t


def read_radar_pcd(path):
    """Reads a binary PCD v0.7 radar file as the devkit's RadarPointCloud does (fields x points)."""
    with open(path, "rb") as f:
        meta = []
        while True:
            line = f.readline().decode("ascii").strip()
            meta.append(line)
            if line.startswith("DATA"):
                break
        body = f.read()
    assert meta[0].startswith("#"), "first line must be a comment"
    assert meta[1].startswith("VERSION") and meta[1].split()[1] == "0.7", meta[1]
    header = {line.split()[0]: line.split()[1:] for line in meta[1:]}
    assert header["DATA"] == ["binary"], header["DATA"]
    sizes = [int(s) for s in header["SIZE"]]
    types = header["TYPE"]
    counts = [int(c) for c in header["COUNT"]]
    assert all(c == 1 for c in counts)
    width, height = int(header["WIDTH"][0]), int(header["HEIGHT"][0])
    points = int(header["POINTS"][0])
    assert width * height == points
    unpacking = {("F", 4): "f", ("I", 1): "b", ("I", 2): "h", ("I", 4): "i",
                 ("U", 1): "B", ("U", 2): "H", ("U", 4): "I"}
    fmt = "<" + "".join(unpacking[(t, s)] for t, s in zip(types, sizes))
    rec = struct.calcsize(fmt)
    # Real files carry zero padding after the records; the devkit reads POINTS records only.
    assert len(body) >= rec * points, f"{path}: {len(body)} bytes for {points} points of {rec}"
    rows = [struct.unpack_from(fmt, body, i * rec) for i in range(points)]
    return header["FIELDS"], np.array(rows, dtype=np.float64).T.reshape(len(sizes), points)


def convert_like_mmdet3d(db, split_scene_names, max_sweeps=10, check_files=True):
    """Walks every sample as mmdet3d v0.17's ``_fill_trainval_infos`` plus PETR's camera-sweep
    generator do, returning per-split record counts and summary statistics."""
    train_names, val_names = split_scene_names
    scene_by_name = {s["name"]: s["token"] for s in db.scene}
    train_tokens = {scene_by_name[n] for n in train_names if n in scene_by_name}
    val_tokens = {scene_by_name[n] for n in val_names if n in scene_by_name}
    stats = {"train": 0, "val": 0, "boxes": 0, "nan_velocity": 0, "finite_velocity": 0,
             "moving": 0, "lidar_sweeps": 0, "camera_sweep_entries": 0, "names": set()}
    for sample in db.sample:
        lidar_token = sample["data"]["LIDAR_TOP"]
        sd = db.get("sample_data", lidar_token)
        cs = db.get("calibrated_sensor", sd["calibrated_sensor_token"])
        pose = db.get("ego_pose", sd["ego_pose_token"])
        lidar_path = os.path.join(db.dataroot, sd["filename"])
        if check_files:
            assert os.path.exists(lidar_path), lidar_path
        l2e_t, l2e_r = cs["translation"], cs["rotation"]
        e2g_t, e2g_r = pose["translation"], pose["rotation"]
        for cam in CAMERAS:
            cam_token = sample["data"][cam]
            r, t = db.sensor2lidar(cam_token, l2e_t, l2e_r, e2g_t, e2g_r)
            assert np.allclose(r @ r.T, np.eye(3), atol=1e-9)
            k = np.array(db.get("calibrated_sensor",
                                db.get("sample_data", cam_token)["calibrated_sensor_token"])
                         ["camera_intrinsic"])
            assert k.shape == (3, 3), k
        cur, walked = sd, 0
        while walked < max_sweeps and cur["prev"] != "":
            db.sensor2lidar(cur["prev"], l2e_t, l2e_r, e2g_t, e2g_r)
            cur = db.get("sample_data", cur["prev"])
            walked += 1
        stats["lidar_sweeps"] += walked
        # PETR camera sweeps: 5 previous keyframes x 5 intermediate frames.
        s = sample
        current = {c: db.get("sample_data", sample["data"][c]) for c in SWEEP_CAMERAS}
        sweeps = []
        for _ in range(5):
            if s["prev"] == "":
                break
            for _ in range(5):
                entry = {}
                for c in SWEEP_CAMERAS:
                    if current[c]["prev"] == "":
                        entry = sweeps[-1]
                        break
                    prev = db.get("sample_data", current[c]["prev"])
                    db.sensor2lidar(prev["token"], l2e_t, l2e_r, e2g_t, e2g_r)
                    entry[c] = prev["token"]
                    current[c] = prev
                sweeps.append(entry)
            s = db.get("sample", s["prev"])
            sweeps.append({c: s["data"][c] for c in SWEEP_CAMERAS})
            current = {c: db.get("sample_data", s["data"][c]) for c in SWEEP_CAMERAS}
        stats["camera_sweep_entries"] += len(sweeps)
        if "test" not in db.version:
            for c, size, q, ann in db.boxes_in_sensor(lidar_token):
                yaw_of(q)
                v = db.box_velocity(ann["token"])
                if np.isnan(v).any():
                    stats["nan_velocity"] += 1
                else:
                    stats["finite_velocity"] += 1
                    if np.hypot(v[0], v[1]) > 0.5:
                        stats["moving"] += 1
                stats["names"].add(NAME_MAPPING.get(ann["category_name"], ann["category_name"]))
                stats["boxes"] += 1
        if sample["scene_token"] in train_tokens:
            stats["train"] += 1
        else:
            stats["val"] += 1
    return stats
