# Test fixture: a child of the PETRv2 config that changes two dicts only. `data` merges into the
# base's (the pipelines stay, only use_valid_flag changes); `ida_aug_conf` merges into the base's
# top-level dict too, but the base's transforms already hold the base's own dict.
_base_ = './petrv2_vovnet_gridmask_p4_800x320.py'

data = dict(train=dict(use_valid_flag=False))
ida_aug_conf = dict(rand_flip=False)
