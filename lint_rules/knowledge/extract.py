"""Extracting a file's facts (``facts.py``) from its syntax tree.

The collector joins the engine's one traversal like a rule: ``visit_Module`` reads the
module-level statements, ``visit_Attribute`` notes every ``XPermissions.member``. Nodes
are kept until the engine has computed their positions once for the whole file, then
:meth:`FactsCollector.build` turns them into plain, cacheable facts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import libcst as cst

from lint_rules.model import Location
from lint_rules.knowledge.facts import (
    ClassFact,
    Declaration,
    FileFacts,
    InclusionFact,
    LoaderFact,
    Member,
    PermissionUse,
    RouteFact,
    SessionFact,
    TopicFact,
)
from lint_rules.knowledge.calls import RouterFact
from lint_rules.knowledge.extract_calls import (
    Pending,
    alias_call,
    dependency_ref,
    gives_nothing,
    imported_annotations,
    list_calls,
    module_routers,
    param_calls,
    route_details,
    router_prefix,
    unique,
)
from lint_rules.knowledge.matchers.imports import import_map
from lint_rules.knowledge.matchers.memo import by_node, items
from lint_rules.knowledge.matchers.modules import module_declarations
from lint_rules.knowledge.matchers.project import (
    SESSION_METHODS,
    include_router_calls,
    init_params,
    module_loaders,
    return_annotation,
    session_calls,
)
from lint_rules.knowledge.matchers.routes import local_router_names, routes_of
from lint_rules.knowledge.matchers.signatures import (
    all_params,
    annotated_aliases,
    depends_target,
    is_depends_call,
    param_dependency,
    top_level_names,
    unwrap_annotated,
)
from lint_rules.knowledge.matchers.syntax import (
    dotted_name,
    keyword_arg,
    last_name,
    positional_args,
    string_value,
)

Locate = Callable[[cst.CSTNode], Location]
PERMISSIONS_SUFFIX = "Permissions"


def _origin(dotted: str | None, imports: dict[str, str]) -> str | None:
    """Where a dotted name used in the file comes from, through the file's imports."""
    if not dotted:
        return None
    head, _, rest = dotted.partition(".")
    base = imports.get(head)
    if base is None:
        return None
    return f"{base}.{rest}" if rest else base


@by_node(items)
def param_dependency_refs(
    function: cst.FunctionDef, aliases: dict[str, cst.BaseExpression]
) -> list[str]:
    """The ``dependency_ref`` of every parameter provided by ``Depends(...)``."""
    refs = []
    for param in all_params(function):
        dependency = param_dependency(param, aliases)
        if dependency is not None:
            refs.append(dependency_ref(dependency.target))
    return refs


@by_node()
def returned_inner_functions(function: cst.FunctionDef) -> list[cst.FunctionDef]:
    """The functions defined in ``function``'s body that a ``return <name>`` of the body
    (its top-level statements only) returns: what a dependency factory hands to FastAPI."""
    body = function.body.body if isinstance(function.body, cst.IndentedBlock) else ()
    inner = {s.name.value: s for s in body if isinstance(s, cst.FunctionDef)}
    returned: list[cst.FunctionDef] = []
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if (
                    isinstance(small, cst.Return)
                    and isinstance(small.value, cst.Name)
                    and small.value.value in inner
                ):
                    returned.append(inner[small.value.value])
    return returned


class FactsCollector:
    """Collects the facts of one file during the shared traversal."""

    def __init__(self, path: str, source: str = "") -> None:
        self.path = path
        self.source = source
        self.nodes: list[cst.CSTNode] = []
        self._pending: list[Callable[[Locate], Any]] = []
        self.imports: dict[str, str] = {}
        self.constants: dict[str, str] = {}
        self.functions: list[str] = []
        self.function_params: dict[str, tuple[str, ...]] = {}
        self.function_dependencies: dict[str, tuple[str, ...]] = {}
        self.permission_names: set[str] = set()
        self._classes: list[Callable[[Locate], ClassFact]] = []
        self._declarations: list[Callable[[Locate], Declaration]] = []
        self._routes: list[Callable[[Locate], RouteFact]] = []
        self._uses: list[Callable[[Locate], PermissionUse]] = []
        self._topics: list[Callable[[Locate], TopicFact]] = []
        self.returns: dict[str, str] = {}
        self.dependency_aliases: dict[str, str] = {}
        self.aliases: dict[str, cst.BaseExpression] = {}
        self._sessions: list[Callable[[Locate], SessionFact]] = []
        self._inclusions: list[Callable[[Locate], InclusionFact]] = []
        self._loaders: list[Callable[[Locate], LoaderFact]] = []
        self._function_calls: dict[str, list[Pending]] = {}
        self._alias_calls: dict[str, Pending] = {}
        self._routers: list[Callable[[Locate], RouterFact]] = []
        self.variables: tuple[str, ...] = ()
        self.valueless: list[str] = []

    def _keep(self, node: cst.CSTNode) -> cst.CSTNode:
        self.nodes.append(node)
        return node

    def _kept(self, call: Pending) -> Pending:
        self.nodes.append(call.node)
        return call

    # -- the traversal --------------------------------------------------------------------

    @staticmethod
    def needs_walk(source: str) -> bool:
        """Only permission uses need the whole tree; a file that never writes
        ``Permissions`` has none."""
        return PERMISSIONS_SUFFIX in source

    def handlers(self) -> list[tuple[str, Callable[[Any], Any]]]:
        return [("visit_Module", self.visit_Module), ("visit_Attribute", self.visit_Attribute)]

    def visit_Module(self, module: cst.Module) -> None:
        self.imports = import_map(module)
        for statement in module.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.Assign) and len(small.targets) == 1:
                        target = small.targets[0].target
                        value = string_value(small.value)
                        if isinstance(target, cst.Name) and value is not None:
                            self.constants[target.value] = value
        self.permission_names = {
            name for name in self.imports if name.endswith(PERMISSIONS_SUFFIX)
        }
        aliases = annotated_aliases(module)
        self.aliases = aliases
        for alias, annotation in aliases.items():
            for item in unwrap_annotated(annotation)[1]:
                if is_depends_call(item):
                    assert isinstance(item, cst.Call)
                    self.dependency_aliases[alias] = dependency_ref(depends_target(item))
                    break
            pending = alias_call(annotation)
            if pending is not None:
                self._keep(pending.node)
                self._alias_calls[alias] = pending
        router_names = local_router_names(module)
        for router in module_routers(module, self.constants):
            self.nodes.extend([router.node, *(c.node for c in router.calls)])
            self._routers.append(router.build)
        for statement in module.body:
            if isinstance(statement, cst.ClassDef):
                self._class(statement)
                if statement.name.value.endswith(PERMISSIONS_SUFFIX):
                    self.permission_names.add(statement.name.value)
            elif isinstance(statement, cst.FunctionDef):
                self.functions.append(statement.name.value)
                self.function_params[statement.name.value] = tuple(
                    p.name.value for p in all_params(statement)
                )
                self._function_dependencies(statement, aliases)
                self._function_routes(statement, router_names, aliases)
                self._session(statement)
            elif isinstance(statement, cst.SimpleStatementLine):
                self._topic(statement)
        defined = {s.name.value for s in module.body if isinstance(s, (cst.FunctionDef, cst.ClassDef))}
        self.variables = tuple(sorted(top_level_names(module) - defined - set(self.imports)))
        for declaration in module_declarations(module):
            self._declaration(declaration.statement, declaration.target, declaration.kind, declaration.call)
        # How the app is wired (app/api.py, app/module.py): rare words, so most files skip the scans.
        if "include_router" in self.source:
            for inclusion in include_router_calls(module):
                self._keep(inclusion.call)
                including = inclusion.call.func.value if isinstance(inclusion.call.func, cst.Attribute) else None
                router = dotted_name(including) or ""
                prefix = router_prefix(inclusion.call, self.constants)
                calls = [self._kept(c) for c in list_calls(keyword_arg(inclusion.call, "dependencies"))]
                self._inclusions.append(
                    lambda locate, i=inclusion, r=router, p=prefix, c=calls: InclusionFact(
                        i.target, locate(i.call), r, p, tuple(x.build(locate) for x in c)
                    )
                )
        if "hasattr" in self.source and "glob" in self.source:
            for loader in module_loaders(module):
                self._keep(loader.node.iter)
                self._loaders.append(
                    lambda locate, l=loader: LoaderFact(l.pattern, l.attribute, locate(l.node.iter))
                )

    def visit_Attribute(self, node: cst.Attribute) -> None:
        value = node.value
        if isinstance(value, cst.Name) and value.value in self.permission_names:
            name, member = value.value, node.attr.value
            if member.startswith("__"):
                return
            self._keep(node)
            origin = self.imports.get(name)
            self._uses.append(lambda locate: PermissionUse(name, origin, member, locate(node)))
        elif isinstance(value, cst.Attribute) and value.attr.value.endswith(PERMISSIONS_SUFFIX):
            # ``endpoints_x.XPermissions.member``, the class reached through an imported module.
            dotted, member = dotted_name(value), node.attr.value
            if dotted is None or member.startswith("__") or dotted.split(".", 1)[0] not in self.imports:
                return
            self._keep(node)
            qualified_origin = _origin(dotted, self.imports)
            self._uses.append(lambda locate: PermissionUse(dotted, qualified_origin, member, locate(node)))

    # -- pieces ---------------------------------------------------------------------------

    def _session(self, node: cst.FunctionDef) -> None:
        """A session dependency: a generator annotated with a session type, or named so."""
        annotation = self.returns.get(node.name.value, "")
        name = node.name.value.lower()
        if "Session" not in annotation and "db" not in name and "session" not in name:
            return
        calls = session_calls(node)
        if calls is None:
            return
        self._keep(node.name)
        ordered = tuple(m for m in ("commit", "rollback", "close") if m in calls)
        assert set(ordered) <= SESSION_METHODS
        self._sessions.append(lambda locate: SessionFact(node.name.value, ordered, locate(node.name)))

    def _class(self, node: cst.ClassDef) -> None:
        self._keep(node)
        bases = tuple(dotted_name(arg.value) or "" for arg in node.bases if arg.keyword is None)
        origins = tuple(_origin(b, self.imports) for b in bases)
        members: list[tuple[str, str | None, cst.CSTNode]] = []
        methods: list[str] = []
        classmethods: list[str] = []
        method_dependencies: dict[str, tuple[str, ...]] = {}
        method_calls: dict[str, list[Pending]] = {}
        tablename_node: cst.CSTNode | None = None
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        for statement in body:
            if isinstance(statement, cst.FunctionDef):
                methods.append(statement.name.value)
                decorators = {last_name(d.decorator) for d in statement.decorators}
                if "classmethod" in decorators:
                    classmethods.append(statement.name.value)
                if statement.name.value == "__init__" or decorators & {"classmethod", "staticmethod"}:
                    method_dependencies[statement.name.value] = tuple(param_dependency_refs(statement, self.aliases))
                    method_calls[statement.name.value] = [self._kept(c) for c in param_calls(statement, self.aliases)]
            elif isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    target: cst.BaseExpression | None = None
                    value: cst.BaseExpression | None = None
                    if isinstance(small, cst.Assign) and len(small.targets) == 1:
                        target, value = small.targets[0].target, small.value
                    elif isinstance(small, cst.AnnAssign) and small.value is not None:
                        target, value = small.target, small.value
                    if isinstance(target, cst.Name):
                        self._keep(target)
                        members.append((target.value, string_value(value), target))
                        if target.value == "__tablename__" and tablename_node is None:
                            tablename_node = self._keep(value) if value is not None else None

        initializer = init_params(node)

        def build(locate: Locate) -> ClassFact:
            tablename = next(((v, n) for name, v, n in members if name == "__tablename__"), None)
            return ClassFact(
                name=node.name.value,
                location=locate(node),
                bases=bases,
                origins=origins,
                members=tuple(Member(n, v, locate(t)) for n, v, t in members),
                methods=tuple(methods),
                classmethods=tuple(classmethods),
                tablename=tablename[0] if tablename else None,
                tablename_location=locate(tablename_node) if tablename_node is not None else None,
                init_params=initializer,
                method_dependencies=method_dependencies,
                method_calls={k: tuple(c.build(locate) for c in v) for k, v in method_calls.items()},
            )

        self._classes.append(build)

    def _declaration(
        self, statement: cst.SimpleStatementLine, variable: str, kind: str, call: cst.Call
    ) -> None:
        self._keep(statement)

        def text(name: str) -> str | None:
            arg = keyword_arg(call, name)
            if arg is None:
                return None
            value = string_value(arg.value)
            if value is None and isinstance(arg.value, cst.Name):
                value = self.constants.get(arg.value.value)
            return value

        def name_of(keyword: str) -> str | None:
            arg = keyword_arg(call, keyword)
            return dotted_name(arg.value) if arg is not None else None

        factory_arg = keyword_arg(call, "factory")
        factory = None
        if factory_arg is not None and isinstance(factory_arg.value, cst.Call):
            factory = last_name(factory_arg.value.func)
        elif factory_arg is not None and not (
            isinstance(factory_arg.value, cst.Name) and factory_arg.value.value == "None"
        ):
            factory = last_name(factory_arg.value)
        topics_arg = keyword_arg(call, "registred_topics")
        topics: tuple[str, ...] = ()
        if topics_arg is not None and isinstance(topics_arg.value, (cst.List, cst.Tuple)):
            topics = tuple(filter(None, (dotted_name(e.value) for e in topics_arg.value.elements)))
        root, router, permissions = text("root"), name_of("router"), name_of("permissions")
        self._declarations.append(
            lambda locate: Declaration(
                variable=variable,
                kind=kind,
                location=locate(statement),
                root=root,
                router=router,
                factory=factory,
                factory_given=factory_arg is not None,
                permissions=permissions,
                topics=topics,
                factory_called=factory_arg is not None and isinstance(factory_arg.value, cst.Call),
            )
        )

    def _function_routes(
        self, node: cst.FunctionDef, router_names: frozenset[str], aliases: dict[str, cst.BaseExpression]
    ) -> None:
        routes = routes_of(node, router_names)
        if not routes:
            return
        params = tuple(p.name.value for p in all_params(node))
        dependencies: list[str] = []
        for param in all_params(node):
            dependency = param_dependency(param, aliases)
            if dependency is not None and dependency.target_name:
                dependencies.append(dependency.target_name)
        param_refs = self.function_dependencies.get(node.name.value, ())
        own_calls = self._function_calls.get(node.name.value, [])
        annotations = imported_annotations(node, aliases, self.imports)
        for route in routes:
            extra = keyword_arg(route.call, "dependencies")
            found = list(dependencies)
            refs = list(param_refs)
            if extra is not None and isinstance(extra.value, (cst.List, cst.Tuple)):
                for element in extra.value.elements:
                    if is_depends_call(element.value):
                        assert isinstance(element.value, cst.Call)
                        name = last_name(depends_target(element.value))
                        if name:
                            found.append(name)
                        refs.append(dependency_ref(depends_target(element.value)))
            self._keep(route.call)
            path_node = None
            if route.path is not None:
                positional = positional_args(route.call)
                path_arg = positional[0] if positional else keyword_arg(route.call, "path")
                path_node = self._keep(path_arg.value) if path_arg is not None else None
            calls = [*own_calls, *(self._kept(c) for c in list_calls(extra))]
            details = route_details(route)
            self._routes.append(
                lambda locate, route=route, found=tuple(found), refs=tuple(refs), path_node=path_node, calls=calls, details=details: RouteFact(
                    methods=route.methods,
                    path=route.path,
                    function=route.name,
                    location=locate(route.call),
                    params=params,
                    dependencies=found,
                    path_location=locate(path_node) if path_node is not None else None,
                    dependency_refs=refs,
                    router=details.router,
                    calls=tuple(c.build(locate) for c in calls),
                    imported_annotations=annotations,
                    status_code=details.status_code,
                    response_model=details.response_model,
                    response_class=details.response_class,
                    summary=details.summary,
                )
            )

    def _function_dependencies(
        self, node: cst.FunctionDef, aliases: dict[str, cst.BaseExpression]
    ) -> None:
        """``function_dependencies`` of a module-level function, and the ``f()`` entries
        of a dependency factory (the functions it returns)."""
        name = node.name.value
        self.function_dependencies[name] = tuple(param_dependency_refs(node, aliases))
        self._function_calls[name] = [self._kept(c) for c in param_calls(node, aliases)]
        if gives_nothing(node, self.source or None):
            self.valueless.append(name)
        returned = return_annotation(node)
        if returned is not None:
            self.returns[name] = returned
        inner = returned_inner_functions(node)
        inner_returns = [r for r in map(return_annotation, inner) if r is not None]
        if inner_returns:
            self.returns[f"{name}()"] = inner_returns[0]
        if inner:
            self.function_params[f"{name}()"] = tuple(
                dict.fromkeys(p.name.value for f in inner for p in all_params(f))
            )
            self.function_dependencies[f"{name}()"] = tuple(
                dict.fromkeys(r for f in inner for r in param_dependency_refs(f, aliases))
            )
            self._function_calls[f"{name}()"] = [
                self._kept(c) for c in unique(c for f in inner for c in param_calls(f, aliases))
            ]

    def _topic(self, statement: cst.SimpleStatementLine) -> None:
        for small in statement.body:
            if not (isinstance(small, cst.Assign) and len(small.targets) == 1):
                continue
            target, call = small.targets[0].target, small.value
            if not (isinstance(target, cst.Name) and isinstance(call, cst.Call)):
                continue
            if last_name(call.func) != "Topic":
                continue
            topic_id = None
            id_arg = keyword_arg(call, "id")
            if id_arg is not None:
                if isinstance(id_arg.value, cst.Call) and positional_args(id_arg.value):
                    topic_id = string_value(positional_args(id_arg.value)[0].value)
                else:
                    topic_id = string_value(id_arg.value)
            root_arg = keyword_arg(call, "module_root")
            root = None
            if root_arg is not None:
                root = string_value(root_arg.value)
                if root is None and isinstance(root_arg.value, cst.Name):
                    root = self.constants.get(root_arg.value.value)
            self._keep(small)
            variable = target.value
            self._topics.append(
                lambda locate, small=small, variable=variable, topic_id=topic_id, root=root: TopicFact(
                    variable, topic_id, root, locate(small)
                )
            )

    # -- the result -----------------------------------------------------------------------

    def build(self, locate: Locate) -> FileFacts:
        return FileFacts(
            path=self.path,
            classes=tuple(b(locate) for b in self._classes),
            declarations=tuple(b(locate) for b in self._declarations),
            routes=tuple(b(locate) for b in self._routes),
            permission_uses=tuple(b(locate) for b in self._uses),
            topics=tuple(b(locate) for b in self._topics),
            imports=dict(self.imports),
            functions=tuple(self.functions),
            function_params=dict(self.function_params),
            function_dependencies=dict(self.function_dependencies),
            constants=dict(self.constants),
            returns=dict(self.returns),
            dependency_aliases=dict(self.dependency_aliases),
            type_aliases=tuple(self.aliases),
            sessions=tuple(b(locate) for b in self._sessions),
            inclusions=tuple(b(locate) for b in self._inclusions),
            loaders=tuple(b(locate) for b in self._loaders),
            function_calls={k: tuple(c.build(locate) for c in v) for k, v in self._function_calls.items()},
            alias_calls={k: c.build(locate) for k, c in self._alias_calls.items()},
            routers=tuple(b(locate) for b in self._routers),
            variables=self.variables,
            valueless=tuple(self.valueless),
        )
