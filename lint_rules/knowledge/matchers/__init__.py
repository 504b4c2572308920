"""What Hyperion code looks like: the matchers the rules share.

Every matcher is a pure function of LibCST nodes that reads shapes, not resolved names.
Rules import from the module that holds what they need:

- ``syntax``: names, literals and call arguments (``dotted_name``, ``last_name``,
  ``string_value``, ``literal_value``, ``parse_annotation_text``, ``is_none``,
  ``keyword_arg``, ``positional_args``, ``has_star_kwargs``, ``assignment_targets``).
  The base of all the others; knows nothing of Hyperion.
- ``imports``: the one import parser (``import_bindings``) and what is folded from it:
  ``import_map`` (local name -> origin), ``line_origins`` (one line, for file order),
  ``file_imports`` (every import, ``TYPE_CHECKING`` told apart) and ``layer_of``.
- ``routes``: route decorators (``Route``, ``routes_of``, ``local_router_names``), status
  codes (``status_code_value``, ``explicit_status``, ``body_allowed``), the response a route
  sends (``response_class_name``, ``returns_value``, ``returns_nothing``, ``redirects``, return
  annotations) and its docstring.
- ``responses``: the response class a route is answered with (``response_class=``, the
  router's ``default_response_class=``) and the status code FastAPI uses when the decorator
  gives none (``response_scope``, ``implicit_status``, ``class_default_status``).
- ``modules``: the module scope of an endpoints file: ``scope_statements``, ``bound_names``,
  ``expected_declaration``, ``module_declarations`` and ``endpoints_shape`` (declarations,
  routers, first route, ``include_router`` calls).
- ``moves``: moving the module declaration (and its late router) above the first route, for
  HYP001's fix (``moved_declaration``, ``referenced_names``, ``rebound_names``); gives up
  when the move is not clean.
- ``permissions``: whether a class is a ``ModulePermissions`` subclass (``class_verdicts``).
- ``signatures``: parameters and annotations: ``all_params``, ``param_dependency``
  (``Depends`` as a default, in ``Annotated`` or an alias), ``annotated_aliases``,
  ``unwrap_annotated``, ``is_type_named``, ``is_session_annotation``,
  ``core_user_annotation_problem``.
- ``models``: classes and their bodies: ``model_classes``, ``is_non_model_class``,
  ``base_expressions``, ``body_statements``, ``class_attribute``.
- ``returns``: what each ``return`` of a function gives back (a response, the result of
  calls, a value), for HYP018 (``returned_values``).
- ``types``: type expressions made comparable once imports are resolved (``type_key``),
  for HYP019.

``memo``: ``by_node`` makes a matcher remember its answers while a ``NodeMemo`` is in use
(one per editor buffer, so that the statements an edit did not touch are not read again;
one per analysis elsewhere, shared by the rules and the facts). A remembered matcher's
answer is shared: callers read it and never change it.

Building replacement code for fixes (``add_keyword``, ``status_expression``,
``python_string``) lives next door, in ``lint_rules/rule_api/edits.py``.
"""
