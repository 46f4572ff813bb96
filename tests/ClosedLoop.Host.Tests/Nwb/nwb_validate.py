"""Check NWB files the way an archive would, with tools independent of the exporter.

    nwb_validate.py NAMESPACE.yaml FILE...   validate each file against the NWB core schema with HDMF's validator;
                                             prints every error and "FILE: N error(s)"; exit 1 if any file has one
    nwb_validate.py --summary FILE           print every dataset's shape, dtype, attributes and values as JSON (h5py)

pynwb (which pairs HDMF with NWB's spelling of type keys) is not packaged by Debian, so the few spec classes that
teach HDMF to read neurodata_type_def / neurodata_type_inc are written here.
"""
import json
import sys

import h5py
import numpy
from hdmf.backends.hdf5 import HDF5IO
from hdmf.build import BuildManager, GroupBuilder, TypeMap
from hdmf.common import get_type_map
from hdmf.spec import DatasetSpec, GroupSpec, NamespaceCatalog, SpecNamespace
from hdmf.validate import ValidatorMap


class NwbKeys:
    """NWB's names for HDMF's data_type keys."""

    @classmethod
    def type_key(cls):
        return 'neurodata_type'

    @classmethod
    def inc_key(cls):
        return 'neurodata_type_inc'

    @classmethod
    def def_key(cls):
        return 'neurodata_type_def'

    @classmethod
    def build_const_args(cls, spec_dict):
        # The YAML says neurodata_type_def/inc; HDMF's constructors take data_type_def/inc.
        spec_dict = dict(spec_dict)
        for nwb_key, hdmf_key in (('neurodata_type_def', 'data_type_def'), ('neurodata_type_inc', 'data_type_inc')):
            if nwb_key in spec_dict:
                spec_dict[hdmf_key] = spec_dict.pop(nwb_key)
        return super().build_const_args(spec_dict)


class NwbDatasetSpec(NwbKeys, DatasetSpec):
    pass


class NwbGroupSpec(NwbKeys, GroupSpec):
    @classmethod
    def dataset_spec_cls(cls):
        return NwbDatasetSpec


class NwbNamespace(SpecNamespace):
    @classmethod
    def types_key(cls):
        return 'neurodata_types'


def typed_builders(builder):
    """Every group and dataset below the root that names its type (links are not followed)."""
    for child in list(builder.groups.values()) + list(builder.datasets.values()):
        if 'neurodata_type' in child.attributes:
            yield child
        if isinstance(child, GroupBuilder):
            yield from typed_builders(child)


def validate_all(validators, root):
    """HDMF 3.5 checks a child only against the type its parent's spec names (acquisition's NWBDataInterface,
    not the TimeSeries it holds), so every typed object is also checked against its own type."""
    errors = [str(e) for e in validators['core'].validate(root)]
    for builder in typed_builders(root):
        data_type = builder.attributes['neurodata_type']
        namespace = builder.attributes.get('namespace', 'core')
        if namespace not in validators:
            errors.append(f'{builder.path}: namespace {namespace!r} is neither core nor hdmf-common')
            continue
        try:
            validator = validators[namespace].get_validator(data_type)
        except ValueError:
            errors.append(f'{builder.path}: neurodata_type {data_type!r} is not a type of namespace {namespace!r}')
            continue
        errors.extend(str(e) for e in validator.validate(builder))
    return list(dict.fromkeys(errors))


def validate(namespace_path, files):
    catalog = NamespaceCatalog(NwbGroupSpec, NwbDatasetSpec, NwbNamespace)
    type_map = TypeMap(catalog)
    type_map.merge(get_type_map(), ns_catalog=True)
    type_map.load_namespaces(namespace_path)
    validators = {name: ValidatorMap(catalog.get_namespace(name)) for name in ('core', 'hdmf-common')}
    failed = 0
    for path in files:
        with HDF5IO(path, mode='r', manager=BuildManager(type_map)) as io:
            errors = validate_all(validators, io.read_builder())
        for error in errors:
            print(f'{path}: {error}')
        print(f'{path}: {len(errors)} error(s)')
        failed += bool(errors)
    return 1 if failed else 0


def plain(value):
    if isinstance(value, bytes):
        return value.decode('utf-8')
    if isinstance(value, numpy.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (numpy.generic,)):
        value = value.item()
    if isinstance(value, float) and value != value:
        return 'NaN'
    return value


def summary(path):
    items = {}
    with h5py.File(path, 'r') as f:
        def visit(name, obj):
            entry = {'attrs': {k: plain(v) for k, v in obj.attrs.items()}}
            if isinstance(obj, h5py.Dataset):
                entry.update(shape=list(obj.shape), dtype=str(obj.dtype), value=plain(obj[()]))
            else:
                entry['links'] = {key: link.path for key in obj
                                  if isinstance(link := obj.get(key, getlink=True), h5py.SoftLink)}
            items[name] = entry
        items['/'] = {'attrs': {k: plain(v) for k, v in f.attrs.items()}}
        f.visititems(visit)
    print(json.dumps(items))
    return 0


if __name__ == '__main__':
    if sys.argv[1] == '--summary':
        sys.exit(summary(sys.argv[2]))
    sys.exit(validate(sys.argv[1], sys.argv[2:]))
