"""Reference info converter: nuScenes tables -> mmdet3d v0.17.1 / PETR / Paddle3D info records.

A plain json + numpy re-implementation of the converters' math (nuload spec part A, sections
2.2-2.10, and the devkit helpers of 1.10), used to prove the Java InfoBuilder's parity and as the
infos baseline of the benchmark. It follows the Python tools' operation order (row-vector products,
``np.linalg.inv`` where they invert, pyquaternion's matrix and product formulas, the devkit's
``box_velocity`` time arithmetic) rather than the shortest formula.

Output: a JSON list with one object per sample of the split, in ``sample.json`` order, keyed like
the pkl records; ``sweeps`` holds the LiDAR sweeps (2.6) and ``cam_sweeps`` the PETRv2 camera
sweeps (2.7, float64, before the float32 cast). Paths are ``sample_data.filename`` (relative to
the dataset root, Paddle3D style). Floats are written with ``repr`` (round-trip exact); NaN is
written as ``null``.

Usage: python3 reference_infos.py DATAROOT VERSION SPLIT OUT.json [--max-sweeps N]
       [--num-prev N] [--num-sweep N]
"""

import argparse
import json
import math
import os
import sys
import time

import numpy as np

_MINI_TRAIN = (
    "0061 0553 0655 0757 0796 1077 1094 1100 "
)
_MINI_VAL = (
    "0103 0916 "
)
_TRAIN_DETECT = (
    "0001 0002 0041 0042 0043 0044 0045 0046 0047 0048 0049 0050 0051 0052 0053 0054 "
    "0055 0056 0057 0058 0059 0060 0061 0062 0063 0064 0065 0066 0067 0068 0069 0070 "
    "0071 0072 0073 0074 0075 0076 0161 0162 0163 0164 0165 0166 0167 0168 0170 0171 "
    "0172 0173 0174 0175 0176 0190 0191 0192 0193 0194 0195 0196 0199 0200 0202 0203 "
    "0204 0206 0207 0208 0209 0210 0211 0212 0213 0214 0254 0255 0256 0257 0258 0259 "
    "0260 0261 0262 0263 0264 0283 0284 0285 0286 0287 0288 0289 0290 0291 0292 0293 "
    "0294 0295 0296 0297 0298 0299 0300 0301 0302 0303 0304 0305 0306 0315 0316 0317 "
    "0318 0321 0323 0324 0347 0348 0349 0350 0351 0352 0353 0354 0355 0356 0357 0358 "
    "0359 0360 0361 0362 0363 0364 0365 0366 0367 0368 0369 0370 0371 0372 0373 0374 "
    "0375 0382 0420 0421 0422 0423 0424 0425 0426 0427 0428 0429 0430 0431 0432 0433 "
    "0434 0435 0436 0437 0438 0439 0457 0458 0459 0461 0462 0463 0464 0465 0467 0468 "
    "0469 0471 0472 0474 0475 0476 0477 0478 0479 0480 0566 0568 0570 0571 0572 0573 "
    "0574 0575 0576 0577 0578 0580 0582 0583 0665 0666 0667 0668 0669 0670 0671 0672 "
    "0673 0674 0675 0676 0677 0678 0679 0681 0683 0684 0685 0686 0687 0688 0689 0739 "
    "0740 0741 0744 0746 0747 0749 0750 0751 0752 0757 0758 0759 0760 0761 0762 0763 "
    "0764 0765 0767 0768 0769 0868 0869 0870 0871 0872 0873 0875 0876 0877 0878 0880 "
    "0882 0883 0884 0885 0886 0887 0888 0889 0890 0891 0892 0893 0894 0895 0896 0897 "
    "0898 0899 0900 0901 0902 0903 0945 0947 0949 0952 0953 0955 0956 0957 0958 0959 "
    "0960 0961 0975 0976 0977 0978 0979 0980 0981 0982 0983 0984 0988 0989 0990 0991 "
    "1011 1012 1013 1014 1015 1016 1017 1018 1019 1020 1021 1022 1023 1024 1025 1074 "
    "1075 1076 1077 1078 1079 1080 1081 1082 1083 1084 1085 1086 1087 1088 1089 1090 "
    "1091 1092 1093 1094 1095 1096 1097 1098 1099 1100 1101 1102 1104 1105 "
)
_TRAIN_TRACK = (
    "0004 0005 0006 0007 0008 0009 0010 0011 0019 0020 0021 0022 0023 0024 0025 0026 "
    "0027 0028 0029 0030 0031 0032 0033 0034 0120 0121 0122 0123 0124 0125 0126 0127 "
    "0128 0129 0130 0131 0132 0133 0134 0135 0138 0139 0149 0150 0151 0152 0154 0155 "
    "0157 0158 0159 0160 0177 0178 0179 0180 0181 0182 0183 0184 0185 0187 0188 0218 "
    "0219 0220 0222 0224 0225 0226 0227 0228 0229 0230 0231 0232 0233 0234 0235 0236 "
    "0237 0238 0239 0240 0241 0242 0243 0244 0245 0246 0247 0248 0249 0250 0251 0252 "
    "0253 0328 0376 0377 0378 0379 0380 0381 0383 0384 0385 0386 0388 0389 0390 0391 "
    "0392 0393 0394 0395 0396 0397 0398 0399 0400 0401 0402 0403 0405 0406 0407 0408 "
    "0410 0411 0412 0413 0414 0415 0416 0417 0418 0419 0440 0441 0442 0443 0444 0445 "
    "0446 0447 0448 0449 0450 0451 0452 0453 0454 0455 0456 0499 0500 0501 0502 0504 "
    "0505 0506 0507 0508 0509 0510 0511 0512 0513 0514 0515 0517 0518 0525 0526 0527 "
    "0528 0529 0530 0531 0532 0533 0534 0535 0536 0537 0538 0539 0541 0542 0543 0544 "
    "0545 0546 0584 0585 0586 0587 0588 0589 0590 0591 0592 0593 0594 0595 0596 0597 "
    "0598 0599 0600 0639 0640 0641 0642 0643 0644 0645 0646 0647 0648 0649 0650 0651 "
    "0652 0653 0654 0655 0656 0657 0658 0659 0660 0661 0662 0663 0664 0695 0696 0697 "
    "0698 0700 0701 0703 0704 0705 0706 0707 0708 0709 0710 0711 0712 0713 0714 0715 "
    "0716 0717 0718 0719 0726 0727 0728 0730 0731 0733 0734 0735 0736 0737 0738 0786 "
    "0787 0789 0790 0791 0792 0803 0804 0805 0806 0808 0809 0810 0811 0812 0813 0815 "
    "0816 0817 0819 0820 0821 0822 0847 0848 0849 0850 0851 0852 0853 0854 0855 0856 "
    "0858 0860 0861 0862 0863 0864 0865 0866 0992 0994 0995 0996 0997 0998 0999 1000 "
    "1001 1002 1003 1004 1005 1006 1007 1008 1009 1010 1044 1045 1046 1047 1048 1049 "
    "1050 1051 1052 1053 1054 1055 1056 1057 1058 1106 1107 1108 1109 1110 "
)
_VAL = (
    "0003 0012 0013 0014 0015 0016 0017 0018 0035 0036 0038 0039 0092 0093 0094 0095 "
    "0096 0097 0098 0099 0100 0101 0102 0103 0104 0105 0106 0107 0108 0109 0110 0221 "
    "0268 0269 0270 0271 0272 0273 0274 0275 0276 0277 0278 0329 0330 0331 0332 0344 "
    "0345 0346 0519 0520 0521 0522 0523 0524 0552 0553 0554 0555 0556 0557 0558 0559 "
    "0560 0561 0562 0563 0564 0565 0625 0626 0627 0629 0630 0632 0633 0634 0635 0636 "
    "0637 0638 0770 0771 0775 0777 0778 0780 0781 0782 0783 0784 0794 0795 0796 0797 "
    "0798 0799 0800 0802 0904 0905 0906 0907 0908 0909 0910 0911 0912 0913 0914 0915 "
    "0916 0917 0919 0920 0921 0922 0923 0924 0925 0926 0927 0928 0929 0930 0931 0962 "
    "0963 0966 0967 0968 0969 0971 0972 1059 1060 1061 1062 1063 1064 1065 1066 1067 "
    "1068 1069 1070 1071 1072 1073 "
)
_TEST = (
    "0077 0078 0079 0080 0081 0082 0083 0084 0085 0086 0087 0088 0089 0090 0091 0111 "
    "0112 0113 0114 0115 0116 0117 0118 0119 0140 0142 0143 0144 0145 0146 0147 0148 "
    "0265 0266 0279 0280 0281 0282 0307 0308 0309 0310 0311 0312 0313 0314 0333 0334 "
    "0335 0336 0337 0338 0339 0340 0341 0342 0343 0481 0482 0483 0484 0485 0486 0487 "
    "0488 0489 0490 0491 0492 0493 0494 0495 0496 0497 0498 0547 0548 0549 0550 0551 "
    "0601 0602 0603 0604 0606 0607 0608 0609 0610 0611 0612 0613 0614 0615 0616 0617 "
    "0618 0619 0620 0621 0622 0623 0624 0827 0828 0829 0830 0831 0833 0834 0835 0836 "
    "0837 0838 0839 0840 0841 0842 0844 0845 0846 0932 0933 0935 0936 0937 0938 0939 "
    "0940 0941 0942 0943 1026 1027 1028 1029 1030 1031 1032 1033 1034 1035 1036 1037 "
    "1038 1039 1040 1041 1042 1043 "
)

def _names(numbers):
    return ["scene-" + n for n in numbers.split()]


SPLITS = {
    "mini_train": _names(_MINI_TRAIN),
    "mini_val": _names(_MINI_VAL),
    "train_detect": _names(_TRAIN_DETECT),
    "train_track": _names(_TRAIN_TRACK),
    "train": sorted(set(_names(_TRAIN_DETECT)) | set(_names(_TRAIN_TRACK))),
    "val": _names(_VAL),
    "test": _names(_TEST),
}

CAMERAS = [
    "CAM_FRONT",
    "CAM_FRONT_RIGHT",
    "CAM_FRONT_LEFT",
    "CAM_BACK",
    "CAM_BACK_LEFT",
    "CAM_BACK_RIGHT",
]
SWEEP_CAMERAS = [
    "CAM_FRONT",
    "CAM_FRONT_RIGHT",
    "CAM_BACK_RIGHT",
    "CAM_BACK",
    "CAM_BACK_LEFT",
    "CAM_FRONT_LEFT",
]
NAME_MAPPING = {
    "movable_object.barrier": "barrier",
    "vehicle.bicycle": "bicycle",
    "vehicle.bus.bendy": "bus",
    "vehicle.bus.rigid": "bus",
    "vehicle.car": "car",
    "vehicle.construction": "construction_vehicle",
    "vehicle.motorcycle": "motorcycle",
    "human.pedestrian.adult": "pedestrian",
    "human.pedestrian.child": "pedestrian",
    "human.pedestrian.construction_worker": "pedestrian",
    "human.pedestrian.police_officer": "pedestrian",
    "movable_object.trafficcone": "traffic_cone",
    "vehicle.trailer": "trailer",
    "vehicle.truck": "truck",
}
TABLES = [
    "attribute",
    "calibrated_sensor",
    "category",
    "ego_pose",
    "instance",
    "log",
    "map",
    "sample",
    "sample_annotation",
    "sample_data",
    "scene",
    "sensor",
    "visibility",
]


# --------------------------------------------------------------------------- pyquaternion subset


def q_normalised(q):
    """pyquaternion _normalise: rescale only when not unit to 1e-14."""
    q = np.asarray(q, dtype=float)
    ss = np.dot(q, q)
    if abs(1.0 - ss) >= 1e-14:
        n = np.sqrt(ss)
        if n > 0:
            q = q / n
    return q


def q_matrix(q):
    w, x, y, z = q
    return np.array([[w, -x, -y, -z], [x, w, -z, y], [y, z, w, -x], [z, -y, x, w]])


def q_bar_matrix(q):
    w, x, y, z = q
    return np.array([[w, -x, -y, -z], [x, w, z, -y], [y, -z, w, x], [z, y, -x, w]])


def q_rotation_matrix(q):
    q = q_normalised(q)
    return np.dot(q_matrix(q), q_bar_matrix(q).conj().transpose())[1:][:, 1:]


def q_mul(a, b):
    return np.dot(q_matrix(np.asarray(a, dtype=float)), np.asarray(b, dtype=float))


def q_inverse(q):
    q = np.asarray(q, dtype=float)
    ss = np.dot(q, q)
    return np.hstack((q[0], -q[1:4])) / ss


def q_yaw(q):
    q = q_normalised(q)
    return np.arctan2(2 * (q[0] * q[3] - q[1] * q[2]), 1 - 2 * (q[2] ** 2 + q[3] ** 2))


# --------------------------------------------------------------------------- tables


class Tables:
    """The 13 tables plus the devkit's derived indexes (spec 1.6)."""

    def __init__(self, dataroot, version):
        folder = os.path.join(dataroot, version)
        self.t = {}
        self.by = {}
        for name in TABLES:
            path = os.path.join(folder, name + ".json")
            rows = []
            if os.path.exists(path):
                with open(path) as f:
                    rows = json.load(f)
            self.t[name] = rows
            self.by[name] = {r["token"]: r for r in rows}
        sensor_of_cs = {
            cs["token"]: self.by["sensor"][cs["sensor_token"]]["channel"]
            for cs in self.t["calibrated_sensor"]
        }
        for s in self.t["sample"]:
            s["data"] = {}
            s["anns"] = []
        for sd in self.t["sample_data"]:
            sd["channel"] = sensor_of_cs[sd["calibrated_sensor_token"]]
            if sd["is_key_frame"]:
                self.by["sample"][sd["sample_token"]]["data"][sd["channel"]] = sd["token"]
        for ann in self.t["sample_annotation"]:
            inst = self.by["instance"][ann["instance_token"]]
            ann["category_name"] = self.by["category"][inst["category_token"]]["name"]
            self.by["sample"][ann["sample_token"]]["anns"].append(ann["token"])

    def get(self, table, token):
        return self.by[table][token]


# --------------------------------------------------------------------------- converter


def sensor2lidar(tables, sd_token, ref, sensor_type):
    """obtain_sensor2top (spec 2.5.1) with the converter's row-vector arithmetic."""
    sd = tables.get("sample_data", sd_token)
    cs = tables.get("calibrated_sensor", sd["calibrated_sensor_token"])
    pose = tables.get("ego_pose", sd["ego_pose_token"])
    entry = {
        "data_path": sd["filename"],
        "type": sensor_type,
        "sample_data_token": sd["token"],
        "sensor2ego_translation": cs["translation"],
        "sensor2ego_rotation": cs["rotation"],
        "ego2global_translation": pose["translation"],
        "ego2global_rotation": pose["rotation"],
        "timestamp": sd["timestamp"],
    }
    r, t = s2l_matrices(cs, pose, ref)
    entry["sensor2lidar_rotation"] = r
    entry["sensor2lidar_translation"] = t
    return entry, sd, cs


def s2l_matrices(cs, pose, ref):
    l2e_r_s_mat = q_rotation_matrix(cs["rotation"])
    e2g_r_s_mat = q_rotation_matrix(pose["rotation"])
    l2e_t_s = np.array(cs["translation"])
    e2g_t_s = np.array(pose["translation"])
    l2e_r_mat, e2g_r_mat, l2e_t, e2g_t = ref
    r = (l2e_r_s_mat.T @ e2g_r_s_mat.T) @ (np.linalg.inv(e2g_r_mat).T @ np.linalg.inv(l2e_r_mat).T)
    t = (l2e_t_s @ e2g_r_s_mat.T + e2g_t_s) @ (
        np.linalg.inv(e2g_r_mat).T @ np.linalg.inv(l2e_r_mat).T
    )
    t -= e2g_t @ (np.linalg.inv(e2g_r_mat).T @ np.linalg.inv(l2e_r_mat).T) + l2e_t @ np.linalg.inv(
        l2e_r_mat
    ).T
    return r.T, t


def camera_frame(tables, sd, ref):
    """PETR add_frame (spec 2.7): s2l, K4, transposed extrinsics, lidar2img (float64 here)."""
    cs = tables.get("calibrated_sensor", sd["calibrated_sensor_token"])
    pose = tables.get("ego_pose", sd["ego_pose_token"])
    r, t = s2l_matrices(cs, pose, ref)
    lidar2cam_r = np.linalg.inv(r)
    lidar2cam_t = t @ lidar2cam_r.T
    lidar2cam_rt = np.eye(4)
    lidar2cam_rt[:3, :3] = lidar2cam_r.T
    lidar2cam_rt[3, :3] = -lidar2cam_t
    intrinsic = np.array(cs["camera_intrinsic"])
    viewpad = np.eye(4)
    viewpad[: intrinsic.shape[0], : intrinsic.shape[1]] = intrinsic
    return {
        "is_key_frame": sd["is_key_frame"],
        "data_path": sd["filename"],
        "type": "camera",
        "timestamp": sd["timestamp"],
        "sample_data_token": sd["sample_token"],  # the tools' bug: a sample token
        "real_sample_data_token": sd["token"],
        "sensor2lidar_rotation": r,
        "sensor2lidar_translation": t,
        "intrinsics": viewpad,
        "extrinsics": lidar2cam_rt,
        "lidar2img": viewpad @ lidar2cam_rt.T,
    }


def box_velocity(tables, ann_token, max_time_diff=1.5):
    """nuScenes devkit NuScenes.box_velocity (global frame)."""
    current = tables.get("sample_annotation", ann_token)
    has_prev = current["prev"] != ""
    has_next = current["next"] != ""
    if not has_prev and not has_next:
        return np.array([np.nan, np.nan, np.nan])
    first = tables.get("sample_annotation", current["prev"]) if has_prev else current
    last = tables.get("sample_annotation", current["next"]) if has_next else current
    pos_diff = np.array(last["translation"]) - np.array(first["translation"])
    time_last = 1e-6 * tables.get("sample", last["sample_token"])["timestamp"]
    time_first = 1e-6 * tables.get("sample", first["sample_token"])["timestamp"]
    time_diff = time_last - time_first
    if has_next and has_prev:
        max_time_diff *= 2
    if time_diff > max_time_diff:
        return np.array([np.nan, np.nan, np.nan])
    return pos_diff / time_diff


def lidar_boxes(tables, sample, lidar_sd):
    """devkit get_sample_data(LIDAR_TOP) boxes: global -> ego -> sensor, one per sample.anns."""
    cs = tables.get("calibrated_sensor", lidar_sd["calibrated_sensor_token"])
    pose = tables.get("ego_pose", lidar_sd["ego_pose_token"])
    out = []
    for tok in sample["anns"]:
        ann = tables.get("sample_annotation", tok)
        center = np.array(ann["translation"], dtype=float)
        orientation = np.array(ann["rotation"], dtype=float)
        for rec in (pose, cs):
            center = center + (-np.array(rec["translation"]))
            qi = q_inverse(rec["rotation"])
            center = np.dot(q_rotation_matrix(qi), center)
            orientation = q_mul(qi, orientation)
        out.append((center, np.array(ann["size"], dtype=float), orientation, ann))
    return out


def build_info(tables, sample, max_sweeps, num_prev, num_sweep, annotated):
    lidar_token = sample["data"]["LIDAR_TOP"]
    sd_rec = tables.get("sample_data", lidar_token)
    cs_rec = tables.get("calibrated_sensor", sd_rec["calibrated_sensor_token"])
    pose_rec = tables.get("ego_pose", sd_rec["ego_pose_token"])
    info = {
        "lidar_path": sd_rec["filename"],
        "lidar_token": lidar_token,
        "token": sample["token"],
        "scene_token": sample["scene_token"],
        "sweeps": [],
        "cams": {},
        "lidar2ego_translation": cs_rec["translation"],
        "lidar2ego_rotation": cs_rec["rotation"],
        "ego2global_translation": pose_rec["translation"],
        "ego2global_rotation": pose_rec["rotation"],
        "timestamp": sample["timestamp"],
    }
    l2e_r_mat = q_rotation_matrix(info["lidar2ego_rotation"])
    e2g_r_mat = q_rotation_matrix(info["ego2global_rotation"])
    ref = (l2e_r_mat, e2g_r_mat, np.array(cs_rec["translation"]), np.array(pose_rec["translation"]))
    for cam in CAMERAS:
        entry, _, cs = sensor2lidar(tables, sample["data"][cam], ref, cam)
        entry["cam_intrinsic"] = np.array(cs["camera_intrinsic"])
        info["cams"][cam] = entry
    sd = sd_rec
    while len(info["sweeps"]) < max_sweeps:
        if sd["prev"] == "":
            break
        entry, sd, _ = sensor2lidar(tables, sd["prev"], ref, "lidar")
        info["sweeps"].append(entry)

    # PETRv2 camera sweeps (spec 2.7)
    cam_sweeps = []
    s = sample
    current = {c: tables.get("sample_data", s["data"][c]) for c in SWEEP_CAMERAS}
    for _ in range(num_prev):
        if s["prev"] == "":
            break
        for _ in range(num_sweep):
            entry = {}
            for c in SWEEP_CAMERAS:
                if current[c]["prev"] == "":
                    entry = cam_sweeps[-1]
                    break
                prev_sd = tables.get("sample_data", current[c]["prev"])
                entry[c] = camera_frame(tables, prev_sd, ref)
                current[c] = prev_sd
            cam_sweeps.append(entry)
        s = tables.get("sample", s["prev"])
        entry = {}
        for c in SWEEP_CAMERAS:
            key_sd = tables.get("sample_data", s["data"][c])
            entry[c] = camera_frame(tables, key_sd, ref)
            current[c] = key_sd
        cam_sweeps.append(entry)
    info["cam_sweeps"] = cam_sweeps

    if annotated:
        boxes = lidar_boxes(tables, sample, sd_rec)
        locs = np.array([b[0] for b in boxes]).reshape(-1, 3)
        dims = np.array([b[1] for b in boxes]).reshape(-1, 3)
        rots = np.array([q_yaw(b[2]) for b in boxes]).reshape(-1, 1)
        velocity = np.array([box_velocity(tables, tok)[:2] for tok in sample["anns"]]).reshape(-1, 2)
        for i in range(len(boxes)):
            velo = np.array([*velocity[i], 0.0])
            velo = velo @ np.linalg.inv(e2g_r_mat).T @ np.linalg.inv(l2e_r_mat).T
            velocity[i] = velo[:2]
        names = [NAME_MAPPING.get(b[3]["category_name"], b[3]["category_name"]) for b in boxes]
        info["gt_boxes"] = np.concatenate([locs, dims, -rots - np.pi / 2], axis=1)
        info["gt_names"] = names
        info["gt_velocity"] = velocity.reshape(-1, 2)
        info["num_lidar_pts"] = [b[3]["num_lidar_pts"] for b in boxes]
        info["num_radar_pts"] = [b[3]["num_radar_pts"] for b in boxes]
        info["valid_flag"] = [(b[3]["num_lidar_pts"] + b[3]["num_radar_pts"]) > 0 for b in boxes]
        info["ann_tokens"] = list(sample["anns"])
    return info


def split_samples(tables, version, split):
    """Scene -> split assignment of spec 2.2, in sample.json order."""
    firsts = {
        "v1.0-trainval": ("train", "val"),
        "v1.0-test": ("test", None),
        "v1.0-mini": ("mini_train", "mini_val"),
    }
    first, second = firsts[version]
    names = {sc["token"]: sc["name"] for sc in tables.t["scene"]}
    if split == second:
        train = set(SPLITS[first])
        return [s for s in tables.t["sample"] if names.get(s["scene_token"]) not in train]
    wanted = set(SPLITS[split])
    return [s for s in tables.t["sample"] if names.get(s["scene_token"]) in wanted]


def to_json(value):
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_json(value.tolist())
    if isinstance(value, (np.floating, float)):
        f = float(value)
        return None if math.isnan(f) else f
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def convert(dataroot, version, split, max_sweeps=10, num_prev=5, num_sweep=5):
    """Returns the JSON-ready records of one split."""
    tables = Tables(dataroot, version)
    annotated = "test" not in version
    return [
        to_json(build_info(tables, s, max_sweeps, num_prev, num_sweep, annotated))
        for s in split_samples(tables, version, split)
    ]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("dataroot")
    p.add_argument("version", choices=["v1.0-mini", "v1.0-trainval", "v1.0-test"])
    p.add_argument("split")
    p.add_argument("out")
    p.add_argument("--max-sweeps", type=int, default=10)
    p.add_argument("--num-prev", type=int, default=5)
    p.add_argument("--num-sweep", type=int, default=5)
    a = p.parse_args(argv)
    start = time.perf_counter()
    records = convert(a.dataroot, a.version, a.split, a.max_sweeps, a.num_prev, a.num_sweep)
    with open(a.out, "w") as f:
        json.dump(records, f, allow_nan=False)
    print(
        f"{len(records)} records of {a.version} {a.split} in {time.perf_counter() - start:.2f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
