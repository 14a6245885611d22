# Test fixture: PETRv2, VoVNet-99, 800x320, two frames (megvii-research/PETR,
# projects/configs/petrv2/petrv2_vovnet_gridmask_p4_800x320.py), with the model part cut short.
# The data settings are PETR's values; the text is this project's.
_base_ = [
    './_base_/nus-3d.py',
    './_base_/default_runtime.py',
]
plugin = True
plugin_dir = 'projects/mmdet3d_plugin/'

# the GT range filter; the head's position_range below is a model setting
point_cloud_range = [-51.2, -51.2, -5.0, 51.2, 51.2, 3.0]
voxel_size = [0.2, 0.2, 8]
img_norm_cfg = dict(
    mean=[103.530, 116.280, 123.675], std=[57.375, 57.120, 58.395], to_rgb=False)
class_names = [
    'car', 'truck', 'construction_vehicle', 'bus', 'trailer', 'barrier',
    'motorcycle', 'bicycle', 'pedestrian', 'traffic_cone'
]
input_modality = dict(
    use_lidar=False, use_camera=True, use_radar=False, use_map=False, use_external=True)

model = dict(
    type='Petr3D',
    use_grid_mask=True,  # GridMask is applied by the model, not by the data pipeline
    img_backbone=dict(type='VoVNetCP', spec_name='V-99-eSE', norm_eval=True, frozen_stages=-1,
                      input_ch=3, out_features=('stage4', 'stage5')),
    img_neck=dict(type='CPFPN', in_channels=[768, 1024], out_channels=256, num_outs=2),
    pts_bbox_head=dict(
        type='PETRv2Head',
        num_classes=10,
        in_channels=256,
        num_query=900,
        with_time=True,
        position_range=[-61.2, -61.2, -10.0, 61.2, 61.2, 10.0]),
    train_cfg=dict(pts=dict(point_cloud_range=point_cloud_range, voxel_size=voxel_size)))

dataset_type = 'CustomNuScenesDataset'
data_root = '/data/Dataset/nuScenes/'
file_client_args = dict(backend='disk')

ida_aug_conf = {
    "resize_lim": (0.47, 0.625),
    "final_dim": (320, 800),
    "bot_pct_lim": (0.0, 0.0),
    "rot_lim": (0.0, 0.0),
    "H": 900,
    "W": 1600,
    "rand_flip": True,
}
meta_keys = ('filename', 'ori_shape', 'img_shape', 'lidar2img', 'intrinsics', 'extrinsics',
             'pad_shape', 'scale_factor', 'flip', 'box_mode_3d', 'box_type_3d',
             'img_norm_cfg', 'sample_idx', 'timestamp')
train_pipeline = [
    dict(type='LoadMultiViewImageFromFiles', to_float32=True),
    dict(type='LoadMultiViewImageFromMultiSweepsFiles', sweeps_num=1, to_float32=True,
         pad_empty_sweeps=True, test_mode=False, sweep_range=[3, 27]),
    dict(type='LoadAnnotations3D', with_bbox_3d=True, with_label_3d=True, with_attr_label=False),
    dict(type='ObjectRangeFilter', point_cloud_range=point_cloud_range),
    dict(type='ObjectNameFilter', classes=class_names),
    dict(type='ResizeCropFlipImage', data_aug_conf=ida_aug_conf, training=True),
    dict(type='GlobalRotScaleTransImage',
         rot_range=[-0.3925, 0.3925],
         translation_std=[0, 0, 0],
         scale_ratio_range=[0.95, 1.05],
         reverse_angle=True,
         training=True),
    dict(type='NormalizeMultiviewImage', **img_norm_cfg),
    dict(type='PadMultiViewImage', size_divisor=32),
    dict(type='DefaultFormatBundle3D', class_names=class_names),
    dict(type='Collect3D', keys=['gt_bboxes_3d', 'gt_labels_3d', 'img'], meta_keys=meta_keys),
]
test_pipeline = [
    dict(type='LoadMultiViewImageFromFiles', to_float32=True),
    dict(type='LoadMultiViewImageFromMultiSweepsFiles', sweeps_num=1, to_float32=True,
         pad_empty_sweeps=True, sweep_range=[3, 27]),
    dict(type='ResizeCropFlipImage', data_aug_conf=ida_aug_conf, training=False),
    dict(type='NormalizeMultiviewImage', **img_norm_cfg),
    dict(type='PadMultiViewImage', size_divisor=32),
    dict(type='MultiScaleFlipAug3D', img_scale=(1333, 800), pts_scale_ratio=1, flip=False,
         transforms=[
             dict(type='DefaultFormatBundle3D', class_names=class_names, with_label=False),
             dict(type='Collect3D', keys=['img'], meta_keys=meta_keys),
         ]),
]

data = dict(
    samples_per_gpu=1,
    workers_per_gpu=4,
    train=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=data_root + 'mmdet3d_nuscenes_30f_infos_train.pkl',
        pipeline=train_pipeline,
        classes=class_names,
        modality=input_modality,
        test_mode=False,
        use_valid_flag=True,
        box_type_3d='LiDAR'),
    val=dict(type=dataset_type, pipeline=test_pipeline,
             ann_file=data_root + 'mmdet3d_nuscenes_30f_infos_val.pkl',
             classes=class_names, modality=input_modality),
    test=dict(type=dataset_type, pipeline=test_pipeline,
              ann_file=data_root + 'mmdet3d_nuscenes_30f_infos_val.pkl',
              classes=class_names, modality=input_modality))

optimizer = dict(type='AdamW', lr=2e-4, paramwise_cfg=dict(custom_keys={'img_backbone': dict(lr_mult=0.1)}),
                 weight_decay=0.01)
optimizer_config = dict(type='Fp16OptimizerHook', loss_scale=512., grad_clip=dict(max_norm=35, norm_type=2))
lr_config = dict(policy='CosineAnnealing', warmup='linear', warmup_iters=500, warmup_ratio=1.0 / 3,
                 min_lr_ratio=1e-3)
total_epochs = 24
evaluation = dict(interval=24, pipeline=test_pipeline)
find_unused_parameters = False
runner = dict(type='EpochBasedRunner', max_epochs=total_epochs)
load_from = 'ckpts/fcos3d_vovnet_imgbackbone-remapped.pth'
