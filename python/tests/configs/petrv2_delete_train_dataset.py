# Test fixture: a child of the PETRv2 config whose training dataset replaces the base's instead of
# merging into it (_delete_=True): whatever it does not say takes the class defaults again, so
# use_valid_flag is False here.
_base_ = './petrv2_vovnet_gridmask_p4_800x320.py'

data = dict(
    train=dict(
        _delete_=True,
        type='CustomNuScenesDataset',
        data_root='/data/Dataset/nuScenes/',
        ann_file='/data/Dataset/nuScenes/mmdet3d_nuscenes_30f_infos_train.pkl',
        pipeline={{_base_.train_pipeline}},
        classes={{_base_.class_names}},
        modality={{_base_.input_modality}},
        test_mode=False))
