# Test fixture (refused): image rotation in the resize/crop/flip augmentation (BEVDet-style
# rot_lim); nuload serves rot_lim (0, 0) only.
_base_ = './petrv2_vovnet_gridmask_p4_800x320.py'

ida_aug_conf = {
    "resize_lim": (0.47, 0.625),
    "final_dim": (320, 800),
    "bot_pct_lim": (0.0, 0.0),
    "rot_lim": (-5.4, 5.4),
    "H": 900,
    "W": 1600,
    "rand_flip": True,
}
train_pipeline = [
    dict(type='LoadMultiViewImageFromFiles', to_float32=True),
    dict(type='LoadMultiViewImageFromMultiSweepsFiles', sweeps_num=1, to_float32=True,
         pad_empty_sweeps=True, test_mode=False, sweep_range=[3, 27]),
    dict(type='LoadAnnotations3D', with_bbox_3d=True, with_label_3d=True),
    dict(type='ObjectRangeFilter', point_cloud_range={{_base_.point_cloud_range}}),
    dict(type='ObjectNameFilter', classes={{_base_.class_names}}),
    dict(type='ResizeCropFlipImage', data_aug_conf=ida_aug_conf, training=True),
    dict(type='NormalizeMultiviewImage', mean=[103.530, 116.280, 123.675],
         std=[57.375, 57.120, 58.395], to_rgb=False),
    dict(type='PadMultiViewImage', size_divisor=32),
    dict(type='DefaultFormatBundle3D', class_names={{_base_.class_names}}),
    dict(type='Collect3D', keys=['gt_bboxes_3d', 'gt_labels_3d', 'img']),
]
data = dict(train=dict(pipeline=train_pipeline))
