# Test fixture (refused): GridMask put into the data pipeline. PETR applies GridMask in the model
# (use_grid_mask=True); nuload serves the data pipeline and does not mask images.
_base_ = './petrv2_vovnet_gridmask_p4_800x320.py'

train_pipeline = [
    dict(type='LoadMultiViewImageFromFiles', to_float32=True),
    dict(type='LoadMultiViewImageFromMultiSweepsFiles', sweeps_num=1, to_float32=True,
         pad_empty_sweeps=True, test_mode=False, sweep_range=[3, 27]),
    dict(type='LoadAnnotations3D', with_bbox_3d=True, with_label_3d=True),
    dict(type='ObjectRangeFilter', point_cloud_range={{_base_.point_cloud_range}}),
    dict(type='ObjectNameFilter', classes={{_base_.class_names}}),
    dict(type='ResizeCropFlipImage', data_aug_conf={{_base_.ida_aug_conf}}, training=True),
    dict(type='GridMask', use_h=True, use_w=True, rotate=1, offset=False, ratio=0.5, mode=1,
         prob=0.7),
    dict(type='NormalizeMultiviewImage', mean=[103.530, 116.280, 123.675],
         std=[57.375, 57.120, 58.395], to_rgb=False),
    dict(type='PadMultiViewImage', size_divisor=32),
    dict(type='DefaultFormatBundle3D', class_names={{_base_.class_names}}),
    dict(type='Collect3D', keys=['gt_bboxes_3d', 'gt_labels_3d', 'img']),
]
data = dict(train=dict(pipeline=train_pipeline))
